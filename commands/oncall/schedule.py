"""On call: who is on now and next, the coming weeks, and overrides (swap two shifts, cover a
period). The rotation itself is arithmetic over the configuration (commands/rotation.py);
the database holds only the overrides, so "who is on call at T" is the rotation at T with
the overrides that cover T applied."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.config import Config
from commands.context import Context
from commands.errors import CommandError, Conflict, NotFound
from commands.oncall import rotation as rot
from storage import oncall as repo
from storage.models import OnCallOverride

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
MAX_WEEKS = 26
MAX_OVERRIDE = timedelta(days=62)  # a cover longer than two months is a rotation change
MAX_AHEAD = timedelta(days=366)
_LOOKAHEAD = timedelta(days=7 * 8)


@dataclass(frozen=True)
class OnCallNow:
    at: datetime
    primary: str | None
    secondary: str | None
    shift: str  # weekday | weekend
    since: datetime  # when this primary's stretch began (within the shown window)
    until: datetime | None  # when the primary changes next
    next_primary: str | None
    in_working_hours: bool
    override: str | None = None  # swap | cover, when an override decides the primary
    override_id: int | None = None


def rotation(ctx: Context) -> rot.Rotation:
    return rot.Rotation.from_config(ctx.config)


def local_text(config: Config, moment: datetime) -> str:
    """A time as people read it in messages: `2026-12-04 17:00 KST`."""
    local = moment.astimezone(config.slack.tz)
    return f"{local.strftime('%Y-%m-%d %H:%M')} {local.tzname()}"


def _as_override(row: OnCallOverride) -> rot.Override:
    assert row.id is not None
    return rot.Override(row.id, row.start_at, row.end_at, row.user_id, row.kind)


def _overrides(session: Session, start: datetime, end: datetime) -> list[rot.Override]:
    return [_as_override(r) for r in repo.overrides_between(session, start, end)]


def segments_between(
    session: Session, config: Config, start: datetime, end: datetime
) -> list[rot.Segment]:
    rotation_ = rot.Rotation.from_config(config)
    return rot.segments(rotation_, _overrides(session, start, end), start, end)


def primary_at(session: Session, config: Config, at: datetime) -> str | None:
    """The primary on call at `at`, read in the caller's transaction (one small query)."""
    if not config.oncall.members:
        return None
    rotation_ = rot.Rotation.from_config(config)
    overrides = _overrides(session, at, at + timedelta(seconds=1))
    return rot.segment_at(rotation_, overrides, at).primary


def who_is_on_call(ctx: Context, at: datetime | None = None) -> OnCallNow:
    """Who is primary and secondary at `at` (default now), until when, and who is next."""
    moment = at or ctx.clock.now()
    rotation_ = rotation(ctx)
    with ctx.db.reader() as session:
        found = segments_between(session, ctx.config, moment, moment + _LOOKAHEAD)
    first = found[0]
    until: datetime | None = None
    next_primary: str | None = None
    for segment in found[1:]:
        if segment.primary != first.primary:
            until, next_primary = segment.start, segment.primary
            break
    return OnCallNow(
        at=moment,
        primary=first.primary,
        secondary=first.secondary,
        shift=first.shift.kind,
        since=first.start,
        until=until if first.primary is not None else None,
        next_primary=next_primary,
        in_working_hours=rot.in_working_hours(rotation_, moment),
        override=first.override.kind if first.override else None,
        override_id=first.override.id if first.override else None,
    )


def schedule(ctx: Context, weeks: int = 4, start: datetime | None = None) -> list[rot.Segment]:
    """The next `weeks` × 7 days from `start` (default now), overrides applied: every shift
    that begins in them, the last one to its end. One week asked on a Monday morning shows
    the coming weekend shift and who holds it, as it does on a Friday evening."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise CommandError("error.oncall_weeks", given=weeks, max=MAX_WEEKS)
    begins = start or ctx.clock.now()
    last = rot.shift_at(rotation(ctx), begins + timedelta(days=7 * weeks) - timedelta(seconds=1))
    with ctx.db.reader() as session:
        return rot.merged(segments_between(session, ctx.config, begins, last.end))


# --- reading what people type ---------------------------------------------------------------

_WHEN = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$")


def parse_when(text: str, tz: ZoneInfo, *, end_of_day: bool = False) -> datetime:
    """`2026-12-04 17:00` (or `2026-12-04T17:00`) in the team's timezone, as UTC. A date
    alone is the start of that day, or with `end_of_day` its end (the next day's start)."""
    cleaned = " ".join(text.split())
    match = _WHEN.match(cleaned)
    if match is None:
        raise CommandError("error.oncall_bad_time", given=text.strip()[:40], tz=tz.key)
    year, month, day, hour, minute = match.groups()
    try:
        day_ = date(int(year), int(month), int(day))
        clock = time(int(hour), int(minute)) if hour is not None else time(0, 0)
    except ValueError:
        raise CommandError("error.oncall_bad_time", given=text.strip()[:40], tz=tz.key) from None
    if hour is None and end_of_day:
        day_ += timedelta(days=1)
    return rot.wall(day_, clock, tz)


def check_user(text: str) -> str:
    user = text.strip()
    if not USER_ID.match(user):
        raise CommandError("error.oncall_unknown_user", given=user[:40] or "—")
    return user


# --- overrides ------------------------------------------------------------------------------


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


def _row(
    kind: str, group: str, shift_start: datetime, shift_end: datetime, user: str, replaces: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "group_id": group,
        "start_at": shift_start,
        "end_at": shift_end,
        "user_id": user,
        "replaces": replaces,
    }


def cover(ctx: Context, member: str, start: datetime, end: datetime, by: str) -> OverrideResult:
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
    group = uuid.uuid4().hex
    with ctx.db.session() as session:
        repo.lock_overrides(session)
        _check_free(ctx, session, start, end)
        base = rot.shift_at(rotation(ctx), start).primary or ""
        row = OnCallOverride(
            **_row("cover", group, start, end, user, base), created_by=by[:120], created_at=now
        )
        repo.add_overrides(session, [row])
        return OverrideResult(group, [row])


def swap(ctx: Context, shift_a: datetime, shift_b: datetime, by: str) -> OverrideResult:
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
    group = uuid.uuid4().hex
    with ctx.db.session() as session:
        repo.lock_overrides(session)
        _check_free(ctx, session, a.start, a.end)
        _check_free(ctx, session, b.start, b.end)
        rows = [
            OnCallOverride(
                **_row("swap", group, a.start, a.end, b.primary, a.primary),
                created_by=by[:120],
                created_at=now,
            ),
            OnCallOverride(
                **_row("swap", group, b.start, b.end, a.primary, b.primary),
                created_by=by[:120],
                created_at=now,
            ),
        ]
        repo.add_overrides(session, rows)
        return OverrideResult(group, rows)


def remove_override(ctx: Context, override_id: int) -> list[OnCallOverride]:
    """Undo an override (both halves of a swap); the rows still in effect afterwards. One
    already running ends now; one that is over stays as the record of who was on call."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        repo.lock_overrides(session)
        row = session.get(OnCallOverride, override_id)
        if row is None:
            raise NotFound("error.oncall_override_not_found", id=override_id)
        group = repo.overrides_in_group(session, row.group_id)
        if all(r.end_at <= now for r in group):
            raise Conflict("error.oncall_override_over", id=override_id)
        kept: list[OnCallOverride] = []
        for item in group:
            if item.start_at >= now:
                session.delete(item)
            elif item.end_at > now:
                item.end_at = now
                session.add(item)
                kept.append(item)
        return kept
