"""The Slack messages a state change can owe, named for the outbox."""

from enum import StrEnum


class Template(StrEnum):
    INCIDENT_ANNOUNCEMENT = "incident.announcement"
    INCIDENT_TIMELINE = "incident.timeline"
    INCIDENT_POSTMORTEM_DRAFT = "incident.postmortem_draft"
    RUNBOOK_RUN = "runbook.run"
    RUNBOOK_STEP = "runbook.step"
    RUNBOOK_EVENT = "runbook.event"
    RUNBOOK_NOTIFY = "runbook.notify"
    HEALTH_CHANGE = "health.change"


def incident_ref(incident_id: str) -> str:
    """The outbox stream and message reference of an incident's announcement and thread."""
    return f"incident:{incident_id}"


def deadline_stream(incident_id: str) -> str:
    """A stream of its own for the refresh due at the response deadline, so that a message
    waiting for a future time never holds up the incident's thread."""
    return f"incident:{incident_id}:deadline"


def runbook_ref(run_id: int) -> str:
    """The outbox reference of a runbook run's message (updated in place as it runs)."""
    return f"runbook:{run_id}"


def health_ref(target: str, episode: int) -> str:
    """The message announcing a health target's failure episode; the thread of its run."""
    return f"health:{target}:{episode}"


# Parent messages a run may reply under: an alert thread, an incident, a health episode.
THREAD_PREFIXES = ("alert:", "incident:", "health:")
