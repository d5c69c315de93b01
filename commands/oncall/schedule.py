"""On call: who is on now and next, and the coming weeks. The rotation itself is arithmetic
over the configuration (rotation.py); the database holds only the overrides (overrides.py),
so "who is on call at T" is the rotation at T with the overrides that cover T applied."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.config import Config
from commands.context import Context
from commands.errors import CommandError
from commands.oncall import rotation as rot
from commands.people import is_user_id
from storage import oncall as repo
from storage.models import OnCallOverride

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


def _overrides(
    session: Session, config: Config, start: datetime, end: datetime
) -> list[rot.Override]:
    """The overrides over [start, end) that apply: one naming someone who has left
    `oncall.members` is not (`stale_overrides` reports it)."""
    members = set(config.oncall.members)
    rows = repo.overrides_between(session, start, end)
    return [_as_override(r) for r in rows if r.user_id in members]


def stale_overrides(ctx: Context) -> list[OnCallOverride]:
    """Overrides not over yet that name someone no longer in `oncall.members`: they are not
    applied, and are reported at start and in `/oncall` until someone removes them."""
    now = ctx.clock.now()
    members = set(ctx.config.oncall.members)
    with ctx.db.reader() as session:
        rows = repo.overrides_between(session, now, now + MAX_AHEAD + MAX_OVERRIDE)
    return [r for r in rows if r.user_id not in members]


def segments_between(
    session: Session, config: Config, start: datetime, end: datetime
) -> list[rot.Segment]:
    rotation_ = rot.Rotation.from_config(config)
    return rot.segments(rotation_, _overrides(session, config, start, end), start, end)


def primary_at(session: Session, config: Config, at: datetime) -> str | None:
    """The primary on call at `at`, read in the caller's transaction (one small query)."""
    if not config.oncall.members:
        return None
    rotation_ = rot.Rotation.from_config(config)
    overrides = _overrides(session, config, at, at + timedelta(seconds=1))
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
    if not is_user_id(user):
        raise CommandError("error.oncall_unknown_user", given=user[:40] or "—")
    return user
