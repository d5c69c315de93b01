"""The outbox: Slack messages owed by committed changes, claimed and delivered in order."""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, insert, text, update
from sqlmodel import Session, col, select

from storage.db import changed_one, table, update_one
from storage.models import OWED_MESSAGE, OutboxMessage, SlackMessage


class Op(StrEnum):
    """What an outbox message does in Slack (stored as its value)."""

    POST = "post"  # a new message in a channel
    UPDATE = "update"  # a message edited in place
    REPLY = "reply"  # a message in a thread
    UPLOAD = "upload"  # a file, in a thread or a channel


PENDING = "pending"
SENDING = "sending"
SENT = "sent"
SUPERSEDED = "superseded"
DEAD = "dead"
OWED = (PENDING, SENDING)  # as OWED_MESSAGE in storage/models.py

# Every state change enqueues: build the insert once (see storage/incidents.py).
_INSERT = insert(table(OutboxMessage))


def enqueue(
    session: Session,
    *,
    stream: str,
    op: str,
    template: str,
    args: dict[str, Any],
    now: datetime,
    ref: str | None = None,
    thread_ref: str | None = None,
    channel: str | None = None,
) -> int:
    """Owe a Slack message; its outbox ID. Commits with the caller's transaction.

    POST: a new message in `channel`, named `ref` for later replies and updates. UPDATE: the
    message `ref` rendered again and edited in place (`now` may be later than the present:
    the edit is then due at that time). REPLY: a message in the thread of `thread_ref`,
    optionally named `ref`. UPLOAD: a file into the thread of `thread_ref` (or `channel`)."""
    result = session.connection().execute(
        _INSERT,
        {
            "stream": stream,
            "op": op,
            "template": str(template),
            "args": args,
            "ref": ref,
            "thread_ref": thread_ref,
            "channel": channel,
            "state": PENDING,
            "attempts": 0,
            "refusals": 0,
            "next_attempt_at": now,
            "created_at": now,
            "claimed_until": None,
            "claimed_by": None,
            "last_error": None,
            "sent_at": None,
            "dead_at": None,
            "ts": None,
        },
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def stream_heads(
    session: Session, now: datetime, limit: int, due_ids: Collection[int] = ()
) -> Sequence[OutboxMessage]:
    """The oldest undelivered message of each stream, when it is due and not claimed. Due:
    its time has come, or it is one of `due_ids` (retries whose wait has passed by the
    process's monotonic clock, whatever the wall clock says now)."""
    due = col(OutboxMessage.next_attempt_at) <= now
    if due_ids:
        due = due | col(OutboxMessage.id).in_(list(due_ids))
    oldest = (
        select(OutboxMessage.stream, func.min(OutboxMessage.id).label("head"))
        .where(col(OutboxMessage.state).in_(OWED))
        .group_by(OutboxMessage.stream)
        .subquery()
    )
    query = (
        select(OutboxMessage)
        .join(oldest, col(OutboxMessage.id) == oldest.c.head)
        .where(due)
        .where(
            (col(OutboxMessage.state) == PENDING)
            | (
                col(OutboxMessage.claimed_until).is_not(None)
                & (col(OutboxMessage.claimed_until) < now)
            )
        )
        # Incidents before alerts and digests: a Sev1 announcement must not queue behind a
        # storm. Then the order they became due in.
        .order_by(
            case((col(OutboxMessage.stream).startswith("incident:"), 0), else_=1),
            col(OutboxMessage.next_attempt_at),
            col(OutboxMessage.id),
        )
        .limit(limit)
    )
    return session.exec(query).all()


def claim(session: Session, message_id: int, worker: str, now: datetime, lease: timedelta) -> bool:
    """Take a message for delivery; False when another worker holds it."""
    return update_one(
        session,
        OutboxMessage,
        col(OutboxMessage.id) == message_id,
        (col(OutboxMessage.state) == PENDING)
        | ((col(OutboxMessage.state) == SENDING) & (col(OutboxMessage.claimed_until) < now)),
        state=SENDING,
        claimed_by=worker,
        claimed_until=now + lease,
        attempts=OutboxMessage.attempts + 1,
    )


def _finish(session: Session, message_id: int, worker: str, **values: object) -> bool:
    held = (col(OutboxMessage.state) == SENDING, col(OutboxMessage.claimed_by) == worker)
    finished = update(OutboxMessage).where(col(OutboxMessage.id) == message_id, *held)
    return changed_one(session, finished.values(claimed_until=None, **values))


def mark_sent(
    session: Session, message_id: int, worker: str, now: datetime, ts: str | None
) -> bool:
    return _finish(session, message_id, worker, state=SENT, sent_at=now, ts=ts, last_error=None)


def mark_superseded(session: Session, message_id: int, worker: str, now: datetime) -> bool:
    return _finish(session, message_id, worker, state=SUPERSEDED, sent_at=now)


def mark_retry(
    session: Session,
    message_id: int,
    worker: str,
    at: datetime,
    error: str | None,
    *,
    refund: bool = False,
    refused: bool = False,
) -> bool:
    """Put the message back for another attempt at `at`. `refund`: this try didn't count
    (we held back for pacing), so the attempt counter is not advanced. `refused`: Slack
    refused it with an error we do not know (counted, see `refusals`)."""
    values: dict[str, object] = {"state": PENDING, "next_attempt_at": at}
    if error is not None:
        values["last_error"] = error[:500]
    if refund:
        values["attempts"] = OutboxMessage.attempts - 1
    if refused:
        values["refusals"] = OutboxMessage.refusals + 1
    return _finish(session, message_id, worker, **values)


def mark_dead(session: Session, message_id: int, worker: str, error: str, now: datetime) -> bool:
    return _finish(session, message_id, worker, state=DEAD, last_error=error[:500], dead_at=now)


def has_later_update(session: Session, message: OutboxMessage) -> bool:
    """A newer pending update of the same message makes this one redundant."""
    query = select(func.count()).where(
        OutboxMessage.stream == message.stream,
        OutboxMessage.op == Op.UPDATE,
        OutboxMessage.ref == message.ref,
        col(OutboxMessage.id) > message.id,
        OutboxMessage.state == PENDING,
    )
    return session.exec(query).one() > 0


def post_is_dead(session: Session, ref: str) -> bool:
    query = select(func.count()).where(
        OutboxMessage.op == Op.POST, OutboxMessage.ref == ref, OutboxMessage.state == DEAD
    )
    return session.exec(query).one() > 0


def backlog(session: Session, now: datetime) -> int:
    """Messages owed and not yet delivered; a refresh scheduled for later is not backlog."""
    query = select(func.count()).where(text(OWED_MESSAGE), OutboxMessage.created_at <= now)
    return session.exec(query).one()


def due_count(session: Session, now: datetime) -> int:
    """Messages that could be sent now and have not been (claimed ones included)."""
    query = select(func.count()).where(
        text(OWED_MESSAGE), col(OutboxMessage.next_attempt_at) <= now
    )
    return session.exec(query).one()


def dead_count(session: Session) -> int:
    return session.exec(select(func.count()).where(OutboxMessage.state == DEAD)).one()


def latest_dead(session: Session, limit: int) -> Sequence[OutboxMessage]:
    """The messages most recently set aside as dead, newest first."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.state == DEAD)
        .order_by(col(OutboxMessage.dead_at).desc(), col(OutboxMessage.id).desc())
        .limit(limit)
    )
    return session.exec(query).all()


def find_message(session: Session, ref: str) -> SlackMessage | None:
    return session.get(SlackMessage, ref)


def record_message(session: Session, ref: str, channel: str, ts: str, now: datetime) -> None:
    existing = session.get(SlackMessage, ref)
    if existing is None:
        session.add(SlackMessage(ref=ref, channel=channel, ts=ts, posted_at=now))
    session.flush()
