"""Safe text for Slack: escaping, mentions and cutting to Slack's limits."""

import re

# Slack's documented limits for the places we put text.
HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
CONTEXT_MAX = 2000
BUTTON_MAX = 75
OPTION_MAX = 75
MESSAGE_TEXT_MAX = 40_000
MODAL_TITLE_MAX = 24

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape &, < and > so user text can't become a mention, a link or `<!channel>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo `escape` (and Slack's own escaping) for places that show text as is."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cut(text: str, limit: int) -> str:
    """Cut to at most `limit` characters, ending with an ellipsis, never mid-escape."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]  # don't leave half of "&amp;" behind
    return head.rstrip() + ELLIPSIS


def who(actor: str) -> str:
    """A Slack user ID becomes a mention; a name from the CLI is shown as typed."""
    return f"<@{actor}>" if _USER_ID.match(actor) else escape(actor)


def plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": cut(text, limit) or " ", "emoji": True}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    """A Block Kit button; `style` is "primary" or "danger"."""
    made = {
        "type": "button",
        "text": plain(label, BUTTON_MAX),
        "action_id": str(action_id),
        "value": value,
    }
    if style:
        made["style"] = style
    return made


def mrkdwn(text: str, limit: int = SECTION_MAX) -> dict:
    return {"type": "mrkdwn", "text": cut(text, limit) or " "}


def quote(text: str) -> str:
    """User text as a Slack block quote, escaped."""
    return "\n".join("> " + line for line in escape(text).splitlines() or [""])
