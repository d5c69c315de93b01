"""The Slack messages a state change can owe, named for the outbox."""

from enum import StrEnum


class Template(StrEnum):
    INCIDENT_ANNOUNCEMENT = "incident.announcement"
    INCIDENT_TIMELINE = "incident.timeline"
    INCIDENT_POSTMORTEM_DRAFT = "incident.postmortem_draft"
    ONCALL_ACK_REMINDER = "oncall.ack_reminder"
    ONCALL_UPDATE_REMINDER = "oncall.update_reminder"
    ONCALL_POSTMORTEM_REMINDER = "oncall.postmortem_reminder"
    ONCALL_HANDOFF = "oncall.handoff"
    ALERT_GROUP = "alert.group"  # the alert group's parent message
    ALERT_CHANGE = "alert.change"  # a thread reply: alerts fired or resolved
    ALERT_EVENT = "alert.event"  # a thread reply: acknowledged, incident, silence
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


def handoff_ref(key: str) -> str:
    """The outbox stream and message reference of one weekly handoff post."""
    return f"handoff:{key}"


def alert_ref(group_id: int) -> str:
    """The outbox stream and message reference of an alert group's parent and thread."""
    return f"alert:{group_id}"


def digest_ref(slot: str) -> str:
    """The outbox stream and message reference of one daily digest (its charts in its thread)."""
    return f"digest:{slot}"


def slo_stream(key: str) -> str:
    return f"slo:{key}"
