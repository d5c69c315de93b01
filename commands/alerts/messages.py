"""The Slack messages an alert group owes: its parent message (kept current) and thread lines."""

from datetime import datetime

from sqlmodel import Session

from commands.notices import Template, alert_ref
from storage import outbox
from storage.models import AlertGroup

FIRING = "firing"
RESOLVED = "resolved"
LISTED = 10  # alerts named in one thread reply; the rest are counted
SOURCE_NAMES = {"alertmanager": "Alertmanager", "grafana": "Grafana"}


def owe(
    session: Session,
    group: AlertGroup,
    op: str,
    template: Template,
    now: datetime,
    **args: object,
) -> None:
    """Owe a Slack message about the group: its parent (post, update) or a thread reply."""
    assert group.id is not None
    ref = alert_ref(group.id)
    outbox.enqueue(
        session,
        stream=ref,
        op=op,
        ref=ref if op in ("post", "update") else None,
        thread_ref=ref if op == "reply" else None,
        channel=group.channel if op == "post" else None,
        template=template,
        args={"group_id": group.id, **args},
        now=now,
    )
