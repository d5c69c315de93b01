"""Rotation arithmetic: who is on call at an instant, from the configuration and overrides.

Pure functions, no database. Every boundary (the weekly handoff, the start and end of
working hours) is a wall-clock time in the team's timezone: it is built as a local date and
time first and only then converted to UTC, so a handoff stays at Friday 17:00 local on both
sides of a daylight-saving change, and a week across a change is 167 or 169 hours long.

The week runs from one handoff to the next and belongs to one member (`members[n % len]`,
week 0 being the first handoff on or after `start`). Inside it, shifts split at the handoff,
at the end of Friday's working hours and at the start of Monday's: the weekend shift runs
from Friday evening to Monday morning (the guide's Sat-Sun 24 h standby), the weekday shift
covers Monday to Friday. Outside working hours on weekdays the weekday shift's primary
still gets the page (counted as a night page for fatigue monitoring).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from commands.config import Config

WEEKDAY, WEEKEND = "weekday", "weekend"
FRIDAY, SATURDAY, MONDAY = 4, 5, 0


@dataclass(frozen=True)
class Rotation:
    members: tuple[str, ...]
    secondaries: tuple[str, ...]
    tz: ZoneInfo
    start: date
    handoff_weekday: int  # 0 = Monday
    handoff_time: time
    work_start: time
    work_end: time
    night_start: time
    night_end: time

    @classmethod
    def from_config(cls, config: Config) -> "Rotation":
        oncall = config.oncall
        work_start, work_end = oncall.working_range
        night_start, night_end = oncall.night_range
        return cls(
            members=tuple(oncall.members),
            secondaries=tuple(oncall.secondaries),
            tz=config.slack.tz,
            start=oncall.start,
            handoff_weekday=oncall.handoff_weekday,
            handoff_time=oncall.handoff_time,
            work_start=work_start,
            work_end=work_end,
            night_start=night_start,
            night_end=night_end,
        )

    @property
    def anchor(self) -> date:
        """The local date of week 0's handoff: the first handoff day on or after `start`."""
        return self.start + timedelta(days=(self.handoff_weekday - self.start.weekday()) % 7)


@dataclass(frozen=True)
class Override:
    """A period in which `user` is primary instead of the rotation's member."""

    id: int
    start: datetime
    end: datetime
    user: str
    kind: str  # swap | cover


@dataclass(frozen=True)
class Shift:
    start: datetime  # UTC
    end: datetime
    kind: str  # weekday | weekend
    week: int
    primary: str | None  # the rotation's member, before overrides


@dataclass(frozen=True)
class Segment:
    """A stretch of time with one primary and one secondary, overrides applied."""

    start: datetime
    end: datetime
    shift: Shift
    primary: str | None
    secondary: str | None
    override: Override | None = None


def wall(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local date and time (a time skipped by DST moves forward)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def handoff_at_or_before(rotation: Rotation, moment: datetime) -> datetime:
    """The latest handoff instant not after `moment`."""
    local = moment.astimezone(rotation.tz)
    day = local.date() - timedelta(days=(local.weekday() - rotation.handoff_weekday) % 7)
    handoff = wall(day, rotation.handoff_time, rotation.tz)
    if handoff > moment:
        handoff = wall(day - timedelta(days=7), rotation.handoff_time, rotation.tz)
    return handoff


def next_handoff(rotation: Rotation, moment: datetime) -> datetime:
    """The first handoff instant strictly after `moment`."""
    current = handoff_at_or_before(rotation, moment)
    day = current.astimezone(rotation.tz).date() + timedelta(days=7)
    return wall(day, rotation.handoff_time, rotation.tz)


def previous_handoff(rotation: Rotation, handoff: datetime) -> datetime:
    day = handoff.astimezone(rotation.tz).date() - timedelta(days=7)
    return wall(day, rotation.handoff_time, rotation.tz)


def week_of(rotation: Rotation, moment: datetime) -> int:
    """The rotation week `moment` falls in (0 = the week starting at the anchor handoff)."""
    handoff = handoff_at_or_before(rotation, moment)
    return (handoff.astimezone(rotation.tz).date() - rotation.anchor).days // 7


def primary_of_week(rotation: Rotation, week: int) -> str | None:
    if not rotation.members:
        return None
    return rotation.members[week % len(rotation.members)]


def secondary_of_week(rotation: Rotation, week: int, primary: str | None) -> str | None:
    """The escalation target: the configured secondary of the week, else the next member;
    never the primary themselves (after a cover or swap, the next one after that)."""
    candidates: list[str] = []
    if rotation.secondaries:
        candidates.append(rotation.secondaries[week % len(rotation.secondaries)])
    count = len(rotation.members)
    candidates += [rotation.members[(week + i) % count] for i in range(1, count + 1)]
    return next((c for c in candidates if c != primary), None)


def _boundaries(rotation: Rotation, start: datetime, end: datetime) -> list[datetime]:
    first = start.astimezone(rotation.tz).date() - timedelta(days=8)
    last = end.astimezone(rotation.tz).date() + timedelta(days=8)
    points: set[datetime] = set()
    day = first
    while day <= last:
        weekday = day.weekday()
        if weekday == rotation.handoff_weekday:
            points.add(wall(day, rotation.handoff_time, rotation.tz))
        if weekday == FRIDAY:
            points.add(wall(day, rotation.work_end, rotation.tz))
        if weekday == MONDAY:
            points.add(wall(day, rotation.work_start, rotation.tz))
        day += timedelta(days=1)
    return sorted(points)


def _is_weekend_shift(rotation: Rotation, moment: datetime) -> bool:
    """Between the end of Friday's working hours and the start of Monday's."""
    local = moment.astimezone(rotation.tz)
    friday = local.date() - timedelta(days=(local.weekday() - FRIDAY) % 7)
    begins = wall(friday, rotation.work_end, rotation.tz)
    ends = wall(friday + timedelta(days=3), rotation.work_start, rotation.tz)
    return begins <= moment < ends


def shifts(rotation: Rotation, start: datetime, end: datetime) -> list[Shift]:
    """The rotation's shifts that overlap [start, end), in order, before overrides."""
    points = _boundaries(rotation, start, end)
    out: list[Shift] = []
    for begins, ends in pairwise(points):
        if ends <= start or begins >= end:
            continue
        week = week_of(rotation, begins)
        kind = WEEKEND if _is_weekend_shift(rotation, begins) else WEEKDAY
        out.append(Shift(begins, ends, kind, week, primary_of_week(rotation, week)))
    return out


def shift_at(rotation: Rotation, moment: datetime) -> Shift:
    return shifts(rotation, moment, moment + timedelta(seconds=1))[0]


def segments(
    rotation: Rotation, overrides: Iterable[Override], start: datetime, end: datetime
) -> list[Segment]:
    """Who is primary and secondary over [start, end): the shifts, cut where an override
    begins or ends, each piece with its override applied."""
    ordered = sorted(overrides, key=lambda o: o.start)
    out: list[Segment] = []
    for shift in shifts(rotation, start, end):
        cuts = {shift.start, shift.end}
        for override in ordered:
            for point in (override.start, override.end):
                if shift.start < point < shift.end:
                    cuts.add(point)
        points = sorted(cuts)
        for begins, ends in pairwise(points):
            if ends <= start or begins >= end:
                continue
            covering = next((o for o in ordered if o.start <= begins < o.end), None)
            primary = covering.user if covering else shift.primary
            out.append(
                Segment(
                    start=begins,
                    end=ends,
                    shift=shift,
                    primary=primary,
                    secondary=secondary_of_week(rotation, shift.week, primary),
                    override=covering,
                )
            )
    return out


def segment_at(rotation: Rotation, overrides: Iterable[Override], moment: datetime) -> Segment:
    return segments(rotation, overrides, moment, moment + timedelta(seconds=1))[0]


def merged(items: Sequence[Segment]) -> list[Segment]:
    """Join neighbouring segments of the same shift that have the same people."""
    out: list[Segment] = []
    for item in items:
        last = out[-1] if out else None
        if (
            last is not None
            and last.end == item.start
            and last.shift == item.shift
            and (last.primary, last.secondary, last.override)
            == (
                item.primary,
                item.secondary,
                item.override,
            )
        ):
            out[-1] = replace(last, end=item.end)
        else:
            out.append(item)
    return out


def in_range(local: time, begins: time, ends: time) -> bool:
    """Whether a local time of day lies in [begins, ends), which may wrap past midnight."""
    if begins <= ends:
        return begins <= local < ends
    return local >= begins or local < ends


def is_night(rotation: Rotation, moment: datetime) -> bool:
    local = moment.astimezone(rotation.tz).time()
    return in_range(local, rotation.night_start, rotation.night_end)


def is_weekend(rotation: Rotation, moment: datetime) -> bool:
    return moment.astimezone(rotation.tz).weekday() >= SATURDAY


def in_working_hours(rotation: Rotation, moment: datetime) -> bool:
    local = moment.astimezone(rotation.tz)
    return local.weekday() < SATURDAY and in_range(
        local.time(), rotation.work_start, rotation.work_end
    )
