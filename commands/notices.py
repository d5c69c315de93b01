"""The Slack messages a state change can owe, named for the outbox."""

from enum import StrEnum


class Template(StrEnum):
    INCIDENT_ANNOUNCEMENT = "incident.announcement"
    INCIDENT_TIMELINE = "incident.timeline"
    INCIDENT_POSTMORTEM_DRAFT = "incident.postmortem_draft"
    SLO_STATUS_CHANGE = "slo.status_change"
    SLO_DIGEST = "slo.digest"
    SLO_CHART = "slo.chart"  # an upload: a digest's budget chart, in the digest's thread


def incident_ref(incident_id: str) -> str:
    """The outbox stream and message reference of an incident's announcement and thread."""
    return f"incident:{incident_id}"


def deadline_stream(incident_id: str) -> str:
    """A stream of its own for the refresh due at the response deadline, so that a message
    waiting for a future time never holds up the incident's thread."""
    return f"incident:{incident_id}:deadline"


def digest_ref(slot: str) -> str:
    """The outbox stream and message reference of one daily digest (its charts in its thread)."""
    return f"digest:{slot}"


def slo_stream(key: str) -> str:
    return f"slo:{key}"
