"""Severities and statuses from the team's guide."""

from enum import StrEnum

# name -> (respond within minutes, postmortem required)
DEFAULT_SEVERITIES: dict[str, tuple[int, bool]] = {
    "Sev1": (15, True),
    "Sev2": (30, True),
    "Sev3": (60, False),
    "Sev4": (240, False),
}
SEVERITY_NAMES: tuple[str, ...] = tuple(DEFAULT_SEVERITIES)


class Status(StrEnum):
    DETECTED = "detected"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.DETECTED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.MITIGATED}
)

# Where a status may go next. Reopening (resolved -> investigating) is allowed; closed is final.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DETECTED: frozenset(
        {Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.MITIGATED, Status.RESOLVED}
    ),
    Status.ACKNOWLEDGED: frozenset({Status.INVESTIGATING, Status.MITIGATED, Status.RESOLVED}),
    Status.INVESTIGATING: frozenset({Status.MITIGATED, Status.RESOLVED}),
    Status.MITIGATED: frozenset({Status.INVESTIGATING, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.INVESTIGATING, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def parse_severity(text: str) -> str | None:
    """`sev2`, `Sev2`, `SEV2` and `2` all mean Sev2; anything else is None."""
    cleaned = text.strip().lower().removeprefix("sev").strip()
    if cleaned.isdigit() and f"Sev{int(cleaned)}" in DEFAULT_SEVERITIES:
        return f"Sev{int(cleaned)}"
    return None


def parse_status(text: str) -> Status | None:
    try:
        return Status(text.strip().lower())
    except ValueError:
        return None
