"""What every command prints with: exit codes, terminal text from mrkdwn, JSON."""

import argparse
import getpass
import json
import re

from bot.slack.blocks import unescape

OK, NO, USAGE, UNREACHABLE = 0, 1, 2, 3
INTERRUPTED = 130

# --by: who does it (default: the login name)
BY = {"default": None, "help": "who does it (default: your login name)"}


def positive(text: str) -> int:
    """An argparse type: a whole number above zero (a count of days, weeks or rows)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not positive; give a number above 0")
    return value


_EMOJI = re.compile(r":[a-z0-9_+-]+:\s*")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def plain(text: str) -> str:
    """mrkdwn to terminal text: drop the backticks and mention marks, undo Slack's escaping,
    and write the commands it suggests as this CLI takes them (`sre-bot incident ...`)."""
    return cli_syntax(unescape(_MENTION.sub(r"@\1", text.replace("`", ""))))


_STATUS_NOTE = re.compile(r"/incident status (\S+) (\S+) <note>")
_SLASH = re.compile(r"(?<![\w/])/(incident|oncall|slo|runbook)\b")


def cli_syntax(text: str) -> str:
    """Slack's `/incident status ID investigating <note>` as `sre-bot incident status ID
    investigating --note NOTE`, and every other slash command as its `sre-bot` command."""
    text = _STATUS_NOTE.sub(r'sre-bot incident status \1 \2 --note "NOTE"', text)
    return _SLASH.sub(lambda m: f"sre-bot {m.group(1)}", text)


def terminal(text: str) -> str:
    """Slack mrkdwn to terminal text: no emoji codes, no backticks, no escaping."""
    return plain(_EMOJI.sub("", text))


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
