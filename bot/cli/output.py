"""What every command prints with: exit codes, terminal text from mrkdwn, JSON."""

import argparse
import getpass
import json
import os
import re
import socket
from collections.abc import Callable

from bot.slack.blocks import unescape
from commands.errors import ConfigError

OK, NO, USAGE, UNREACHABLE = 0, 1, 2, 3
INTERRUPTED = 130

# --by: who does it (default: the login name)
BY = {"default": None, "help": "who does it (default: your login name)"}


class CliUsage(ConfigError):
    """A command line that cannot be carried out as written: exit 2 with the reason."""

    heading = ""


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
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


_names: list[Callable[[str], str | None]] = []


def cli_worker() -> str:
    """Who holds a claim taken from this command line (a runbook step, the retention
    lease): host and process, short enough for any holder column."""
    return f"cli-{socket.gethostname()[:40]}-{os.getpid()}"


def use_names(lookup: Callable[[str], str | None]) -> None:
    """Where `plain` finds people's names (`users.info`, the `cli_users` table)."""
    _names[:] = [lookup]


def person(user_id: str) -> str:
    """A person's name for the terminal, or the ID when no name is known."""
    found = _names[0](user_id) if _names and user_id else None
    return found or user_id


def plain(text: str) -> str:
    """mrkdwn to terminal text: drop the backticks, show mentions as @name, undo Slack's
    escaping, and write the commands it suggests as this CLI takes them."""
    named = _MENTION.sub(lambda m: "@" + person(m.group(1)), text.replace("`", ""))
    return cli_syntax(unescape(named))


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
