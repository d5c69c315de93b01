"""Reading `/runbook` command text. Pure: text in, a request or a usage error out. The text
only names a runbook: its steps always come from the runbook's file."""

import re

from commands.errors import CommandError
from commands.runbooks.spec import NAME_PATTERN


class RunbookUsage(CommandError):
    pass


def parse_runbook_command(text: str) -> tuple[str, str, bool]:
    """(sub-command, runbook name, dry run) from `/runbook` text; RunbookUsage otherwise."""
    words = text.replace("\u00a0", " ").split()
    if not words or words[0].lower() in ("help", "-h", "--help"):
        return "help", "", False
    sub = words[0].lower()
    if sub in ("list", "ls") and len(words) == 1:
        return "list", "", False
    if sub == "run":
        rest = words[1:]
        dry = "--dry-run" in rest or "dry-run" in rest
        names = [w for w in rest if w not in ("--dry-run", "dry-run")]
        if len(names) == 1 and re.match(NAME_PATTERN, names[0]):
            return "run", names[0], dry
    raise RunbookUsage("runbook.usage")
