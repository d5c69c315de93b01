"""The Slack messages an alert group owes: its parent message (kept current) and thread lines."""

from commands.notices import Thread, alert_ref
from storage.models import AlertGroup

FIRING = "firing"
RESOLVED = "resolved"
LISTED = 10  # alerts named in one thread reply; the rest are counted
SOURCE_NAMES = {"alertmanager": "Alertmanager", "grafana": "Grafana"}


def thread_of(group: AlertGroup) -> Thread:
    """The group's parent message and its thread."""
    assert group.id is not None
    return Thread(alert_ref(group.id), group.channel, {"group_id": group.id})
