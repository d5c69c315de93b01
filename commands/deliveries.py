"""Remembering which Slack event deliveries were handled, so a retry does nothing twice."""

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import col

from commands.context import Context
from storage.db import insert_first, rows_changed
from storage.models import SlackEventSeen

KEEP = timedelta(days=2)


def first_delivery(ctx: Context, event_id: str) -> bool:
    """True the first time an event ID is seen; False for Slack's retries of it."""
    with ctx.db.session() as session:
        return insert_first(
            session, SlackEventSeen(event_id=event_id[:64], seen_at=ctx.clock.now())
        )


def forget_old(ctx: Context) -> int:
    with ctx.db.session() as session:
        changed = rows_changed(
            session,
            delete(SlackEventSeen).where(col(SlackEventSeen.seen_at) < ctx.clock.now() - KEEP),
        )
        return int(changed or 0)
