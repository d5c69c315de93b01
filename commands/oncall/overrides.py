"""Overrides: swap two shifts, cover a period, undo either.

Only a member whose shift changes, or someone in `oncall.admins`, may make a change (the
command line is the operator's, and may make any). Every change is posted in the on-call
channel, tagging the people whose shifts moved, so that nobody learns of it by being paged.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from commands.clock import iso_utc
from commands.context import Context
from commands.errors import CommandError, Conflict, NotFound
from commands.notices import Template, Thread, oncall_change_ref
from commands.oncall import rotation as rot
from commands.oncall.schedule import MAX_AHEAD, MAX_OVERRIDE, check_user, local_text, rotation
from commands.people import GroupCheck, listed
from storage import oncall as repo
from storage.models import OnCallOverride


@dataclass(frozen=True)
class Changer:
    """Who asks for a change: a Slack user (checked), or the operator at the command line."""

    user: str
    in_group: GroupCheck | None = None
    operator: bool = False


@dataclass(frozen=True)
class OverrideResult:
    group_id: str
    rows: list[OnCallOverride]


def _require_members(ctx: Context) -> None:
    if not ctx.config.oncall.members:
        raise CommandError("error.oncall_no_members")


def _require_member(ctx: Context, user: str) -> None:
    if user not in ctx.config.oncall.members:
        raise CommandError("error.oncall_not_member", who=user)


def _require_allowed(ctx: Context, by: Changer, affected: list[str]) -> None:
    if by.operator or by.user in affected:
        return
    if listed(ctx.config.oncall.admins, by.user, by.in_group):
        return
    people = [p for p in dict.fromkeys(affected) if p]
    raise CommandError("error.oncall_not_allowed", people=people)


def _check_free(ctx: Context, session: Session, start: datetime, end: datetime) -> None:
    clash = repo.overrides_between(session, start, end)
    if clash:
        first = clash[0]
        raise Conflict(
            "error.oncall_overlap",
            id=first.id,
            kind=first.kind,
            who=first.user_id,
            start=local_text(ctx.config, first.start_at),
            end=local_text(ctx.config, first.end_at),
        )


def _override(
    kind: str,
    group: str,
    span: tuple[datetime, datetime],
    user: str,
    replaces: str,
    by: Changer,
    now: datetime,
) -> OnCallOverride:
    return OnCallOverride(
        kind=kind,
        group_id=group,
        start_at=span[0],
        end_at=span[1],
        user_id=user,
        replaces=replaces,
        created_by=by.user[:120],
        created_at=now,
    )


def shift_fields(row: OnCallOverride, start: datetime | None = None) -> dict[str, Any]:
    """An override as the messages about it carry it (UTC times as ISO text)."""
    return {
        "id": row.id,
        "start": iso_utc(start or row.start_at),
        "end": iso_utc(row.end_at),
        "user": row.user_id,
        "replaces": row.replaces,
    }


def _announce(
    ctx: Context,
    session: Session,
    action: str,
    rows: list[OnCallOverride],
    by: Changer,
    now: datetime,
) -> None:
    """Post the change in the on-call channel; the message tags everyone whose shift moved.
    A removal names what is given back: the rest of each row not over yet."""
    shifts = [shift_fields(r, max(r.start_at, now) if action == "removed" else None) for r in rows]
    thread = Thread(oncall_change_ref(rows[0].group_id, action), ctx.config.oncall_channel)
    thread.post(
        session,
        Template.ONCALL_CHANGE,
        now,
        action=action,
        kind=rows[0].kind,
        by=by.user,
        shifts=shifts,
    )


def cover(ctx: Context, member: str, start: datetime, end: datetime, by: Changer) -> OverrideResult:
    """`member` is primary from `start` to `end` instead of whoever the rotation says."""
    _require_members(ctx)
    user = check_user(member)
    _require_member(ctx, user)
    now = ctx.clock.now()
    if end <= start:
        raise CommandError(
            "error.oncall_end_before_start",
            start=local_text(ctx.config, start),
            end=local_text(ctx.config, end),
        )
    if start < now.replace(second=0, microsecond=0):
        raise CommandError("error.oncall_in_past", time=local_text(ctx.config, start))
    if end - start > MAX_OVERRIDE or start - now > MAX_AHEAD:
        raise CommandError("error.oncall_too_long", days=MAX_OVERRIDE.days)
    rotation_ = rotation(ctx)
    replaced = [s.primary or "" for s in rot.shifts(rotation_, start, end)]
    _require_allowed(ctx, by, [user, *replaced])
    group = uuid.uuid4().hex
    with ctx.db.session() as session:
        repo.lock_overrides(session)
        _check_free(ctx, session, start, end)
        row = _override("cover", group, (start, end), user, replaced[0], by, now)
        repo.add_overrides(session, [row])
        _announce(ctx, session, "added", [row], by, now)
        return OverrideResult(group, [row])


def swap(ctx: Context, shift_a: datetime, shift_b: datetime, by: Changer) -> OverrideResult:
    """Swap the people of the two shifts running at `shift_a` and at `shift_b`."""
    _require_members(ctx)
    rotation_ = rotation(ctx)
    now = ctx.clock.now()
    a, b = rot.shift_at(rotation_, shift_a), rot.shift_at(rotation_, shift_b)
    if a == b:
        raise CommandError("error.oncall_same_shift", start=local_text(ctx.config, a.start))
    for shift in (a, b):
        if shift.start <= now:
            raise CommandError(
                "error.oncall_shift_started", start=local_text(ctx.config, shift.start)
            )
        if shift.start - now > MAX_AHEAD:
            raise CommandError("error.oncall_too_long", days=MAX_OVERRIDE.days)
    assert a.primary is not None and b.primary is not None
    if a.primary == b.primary:
        raise CommandError("error.oncall_same_person", who=a.primary)
    _require_allowed(ctx, by, [a.primary, b.primary])
    group = uuid.uuid4().hex
    with ctx.db.session() as session:
        repo.lock_overrides(session)
        _check_free(ctx, session, a.start, a.end)
        _check_free(ctx, session, b.start, b.end)
        rows = [
            _override("swap", group, (a.start, a.end), b.primary, a.primary, by, now),
            _override("swap", group, (b.start, b.end), a.primary, b.primary, by, now),
        ]
        repo.add_overrides(session, rows)
        _announce(ctx, session, "added", rows, by, now)
        return OverrideResult(group, rows)


def remove_override(ctx: Context, override_id: int, by: Changer) -> list[OnCallOverride]:
    """Undo an override (both halves of a swap); the rows still in effect afterwards. One
    already running ends now; one that is over stays as the record of who was on call."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        repo.lock_overrides(session)
        row = session.get(OnCallOverride, override_id)
        if row is None:
            raise NotFound("error.oncall_override_not_found", id=override_id)
        group = list(repo.overrides_in_group(session, row.group_id))
        if all(r.end_at <= now for r in group):
            raise Conflict("error.oncall_override_over", id=override_id)
        _require_allowed(ctx, by, [p for r in group for p in (r.user_id, r.replaces) if p])
        _announce(ctx, session, "removed", [r for r in group if r.end_at > now], by, now)
        kept: list[OnCallOverride] = []
        for item in group:
            if item.start_at >= now:
                session.delete(item)
            elif item.end_at > now:
                item.end_at = now
                session.add(item)
                kept.append(item)
        return kept
