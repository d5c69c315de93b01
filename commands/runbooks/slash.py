"""Reading `/runbook` command text. Pure: text in, a request or a usage error out. The text
only names a runbook: its steps always come from the runbook's file."""

import difflib
import re

from commands.errors import CommandError
from commands.runbooks.spec import NAME_PATTERN


class RunbookUsage(CommandError):
    pass


SUBS = ("list", "run", "help")
DRY_RUN = ("--dry-run", "dry-run")


def parse_runbook_command(text: str) -> tuple[str, str, bool]:
    """(sub-command, runbook name, dry run) from `/runbook` text; RunbookUsage, naming what
    was wrong, otherwise."""
    words = text.replace("\u00a0", " ").split()
    if not words or words[0].lower() in ("help", "-h", "--help"):
        return "help", "", False
    sub = words[0].lower()
    if sub in ("list", "ls"):
        return "list", "", False
    if sub != "run":
        near = difflib.get_close_matches(sub, SUBS, n=1, cutoff=0.6)
        if near:
            raise RunbookUsage("runbook.unknown_sub_near", sub=words[0][:40], near=near[0])
        raise RunbookUsage("runbook.unknown_sub", sub=words[0][:40])
    rest = words[1:]
    given = [w for w in rest if w not in DRY_RUN]
    names = [w for w in given if not w.startswith("-")]
    if len(names) > 1:
        raise RunbookUsage("runbook.extra_words", words=" ".join(given)[:120])
    if given and len(names) < len(given):
        option = next(w for w in given if w.startswith("-"))
        raise RunbookUsage("runbook.unknown_option", option=option[:40])
    if not names:
        raise RunbookUsage("runbook.missing_name")
    if not re.match(NAME_PATTERN, names[0]):
        raise RunbookUsage("runbook.bad_name", name=names[0][:80])
    return "run", names[0], any(w in DRY_RUN for w in rest)
