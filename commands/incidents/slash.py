"""Reading `/incident` command text. Pure: text in, a request or a usage error out."""

import re
from dataclasses import dataclass, field
from typing import Any

from commands.errors import CommandError
from commands.incidents.severity import parse_severity

USAGE: dict[str, str] = {
    "create": "/incident create [sev1-4 <title>]",
    "ack": "/incident ack [ID]",
    "status": "/incident status ID investigating|mitigated|resolved [note]",
    "severity": "/incident severity ID sev1-4",
    "root-cause": "/incident root-cause ID <text>",
    "resolution": "/incident resolution ID <text>",
    "note": "/incident note ID <text>",
    "resolve": "/incident resolve ID [resolution]",
    "close": "/incident close ID",
    "postmortem": "/incident postmortem ID <url>",
    "list": "/incident list [all]",
    "report": "/incident report [days]",
    "help": "/incident help",
}
# A word meant as a severity, though not one of ours: answered with the list of valid ones.
_LOOKS_LIKE_SEVERITY = re.compile(
    r"^(?:(?:sev|s|p)?-?\d+|sev\w*|critical|major|minor|high|medium|low|urgent|blocker)$",
    re.IGNORECASE,
)
ALIASES = {"rootcause": "root-cause", "root_cause": "root-cause", "sev": "severity", "ls": "list"}


@dataclass(frozen=True)
class IncidentRequest:
    sub: str
    incident_id: str = ""
    severity: str = ""
    title: str = ""
    status: str = ""
    text: str = ""
    days: int | None = None
    show_all: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class UsageError(CommandError):
    pass


def _missing(sub: str, what: str) -> UsageError:
    return UsageError("usage.missing", sub=sub, what=what, usage=USAGE[sub])


def _split(text: str, parts: int) -> list[str]:
    """Split off `parts - 1` leading words; the rest (with its spacing) is the last item."""
    out: list[str] = []
    rest = text.strip()
    while len(out) < parts - 1 and rest:
        word, _, rest = rest.partition(" ")
        out.append(word)
        rest = rest.strip()
    if rest:
        out.append(rest)
    return out


def parse_incident(text: str) -> IncidentRequest:
    words = _split(text.replace("\u00a0", " "), 2)
    if not words:
        return IncidentRequest("help")
    sub = words[0].lower()
    sub = ALIASES.get(sub, sub)
    rest = words[1] if len(words) > 1 else ""
    if sub not in USAGE:
        raise UsageError("usage.unknown_sub", sub=words[0][:40])
    if sub == "help":
        return IncidentRequest("help")
    if sub == "create":
        if not rest:
            return IncidentRequest("create")  # opens the modal
        severity_word, *title = _split(rest, 2)
        if parse_severity(severity_word) is None and not _LOOKS_LIKE_SEVERITY.match(severity_word):
            # `/incident create Database is down`: the title came first, the severity is missing.
            raise UsageError("usage.create_needs_severity", title=rest[:200])
        if parse_severity(severity_word) is None:
            raise CommandError(
                "error.unknown_severity", given=severity_word[:40], valid="Sev1, Sev2, Sev3, Sev4"
            )
        if not title:
            raise _missing("create", "title")
        return IncidentRequest("create", severity=severity_word, title=title[0])
    if sub == "list":
        return IncidentRequest("list", show_all=rest.strip().lower() == "all")
    if sub == "report":
        days = None
        if rest:
            cleaned = rest.strip().lower().removesuffix("d")
            if not cleaned.isdigit() or not 0 < int(cleaned) <= 3650:
                raise UsageError("usage.missing", sub="report", what="days", usage=USAGE["report"])
            days = int(cleaned)
        return IncidentRequest("report", days=days)
    if sub == "ack":
        return IncidentRequest("ack", incident_id=rest.split()[0] if rest else "")
    if not rest:
        raise _missing(sub, "id")
    incident_id, *more = _split(rest, 2)
    argument = more[0] if more else ""
    if sub == "status":
        if not argument:
            raise _missing(sub, "status")
        status, *note = _split(argument, 2)
        return IncidentRequest(
            "status", incident_id=incident_id, status=status, text=(note or [""])[0]
        )
    if sub == "severity":
        if not argument:
            raise _missing(sub, "severity")
        return IncidentRequest("severity", incident_id=incident_id, severity=argument.split()[0])
    if sub in ("root-cause", "resolution", "note"):
        if not argument:
            raise _missing(sub, "text")
        return IncidentRequest(sub, incident_id=incident_id, text=argument)
    if sub == "postmortem":
        if not argument:
            raise _missing(sub, "url")
        return IncidentRequest("postmortem", incident_id=incident_id, text=argument.split()[0])
    return IncidentRequest(sub, incident_id=incident_id, text=argument)  # resolve, close


__all__ = ["USAGE", "IncidentRequest", "UsageError", "parse_incident"]
