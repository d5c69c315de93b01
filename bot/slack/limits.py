"""Slack's documented limits for the places we put text (as Slack counts: see blocks.py)."""

HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
CONTEXT_MAX = 2000
BUTTON_MAX = 75
OPTION_MAX = 75
MODAL_TITLE_MAX = 24
# Slack refuses a message whose `text` passes 40,000 (msg_too_long), whose blocks hold more
# than 12,000 characters of text in all (msg_blocks_too_long), or with more than 50 blocks.
MESSAGE_TEXT_MAX = 39_000
BLOCKS_TEXT_MAX = 11_000
MESSAGE_BLOCKS_MAX = 50
