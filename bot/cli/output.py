"""What every command prints with: exit codes, terminal text from mrkdwn, JSON."""

import getpass
import json
import re

from bot.slack.blocks import unescape

OK, NO, USAGE, UNREACHABLE = 0, 1, 2, 3
INTERRUPTED = 130

# --by: who does it (default: the login name)
BY = {"default": None, "help": "who does it (default: your login name)"}

_EMOJI = re.compile(r":[a-z0-9_+-]+:\s*")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def plain(text: str) -> str:
    """mrkdwn to terminal text: drop the backticks and mention marks, undo Slack's escaping."""
    return unescape(_MENTION.sub(r"@\1", text.replace("`", "")))


def terminal(text: str) -> str:
    """Slack mrkdwn to terminal text: no emoji codes, no backticks, no escaping."""
    return plain(_EMOJI.sub("", text))


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
