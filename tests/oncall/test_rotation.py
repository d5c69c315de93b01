"""Rotation arithmetic: pure functions, checked across daylight-saving changes."""

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from commands.config import Config, SlackConfig
from commands.oncall import rotation as rot
from commands.oncall.config import OnCallConfig

MEMBERS = ["U0KIM", "U0PARK", "U0LEE"]


def _rotation(tz: str, **oncall) -> rot.Rotation:
    config = Config(
        slack=SlackConfig(timezone=tz),
        oncall=OnCallConfig(members=MEMBERS, start="2026-01-02", **oncall),
    )
    return rot.Rotation.from_config(config)


def _local(rotation: rot.Rotation, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=rotation.tz).astimezone(UTC)


def test_weekly_primary_changes_at_friday_17_local_in_seoul():
    r = _rotation("Asia/Seoul")
    assert rot.segment_at(r, [], _local(r, 2026, 1, 2, 16, 59)).primary == "U0LEE"  # week -1
    assert rot.segment_at(r, [], _local(r, 2026, 1, 2, 17, 0)).primary == "U0KIM"
    assert rot.segment_at(r, [], _local(r, 2026, 1, 9, 16, 59)).primary == "U0KIM"
    assert rot.segment_at(r, [], _local(r, 2026, 1, 9, 17, 0)).primary == "U0PARK"
    assert rot.segment_at(r, [], _local(r, 2026, 1, 23, 17, 0)).primary == "U0KIM"  # wraps
    # Seoul has no DST: 17:00 KST is 08:00 UTC every week.
    assert rot.handoff_at_or_before(r, datetime(2026, 7, 5, tzinfo=UTC)) == datetime(
        2026, 7, 3, 8, 0, tzinfo=UTC
    )


def test_secondary_is_the_next_member_or_the_configured_one():
    r = _rotation("Asia/Seoul")
    at = _local(r, 2026, 1, 5, 10, 0)
    assert rot.segment_at(r, [], at).secondary == "U0PARK"
    explicit = _rotation("Asia/Seoul", secondaries=["U0BOSS"])
    assert rot.segment_at(explicit, [], at).secondary == "U0BOSS"


def test_weekend_and_weekday_shifts_follow_working_hours():
    r = _rotation("Asia/Seoul")
    found = rot.shifts(r, _local(r, 2026, 1, 2, 17, 0), _local(r, 2026, 1, 9, 17, 0))
    assert [(s.kind, s.start.astimezone(r.tz).strftime("%a %H:%M")) for s in found] == [
        ("weekend", "Fri 17:00"),
        ("weekday", "Mon 09:00"),
    ]
    assert {s.primary for s in found} == {"U0KIM"}
    assert rot.in_working_hours(r, _local(r, 2026, 1, 5, 10, 0))
    assert not rot.in_working_hours(r, _local(r, 2026, 1, 5, 23, 0))
    assert not rot.in_working_hours(r, _local(r, 2026, 1, 3, 10, 0))  # Saturday


@pytest.mark.parametrize(
    ("tz", "spring_week", "autumn_week"),
    [
        # The handoff stays at 17:00 local; the weeks across the changes are 167 h and 169 h.
        ("Europe/Berlin", (2026, 3, 27), (2026, 10, 23)),
        ("America/New_York", (2026, 3, 6), (2026, 10, 30)),
    ],
)
def test_handoff_stays_at_17_local_across_both_dst_changes(tz, spring_week, autumn_week):
    r = _rotation(tz)
    for (y, m, d), hours in ((spring_week, 167), (autumn_week, 169)):
        handoff = _local(r, y, m, d, 17, 0)
        assert rot.handoff_at_or_before(r, handoff) == handoff
        following = rot.next_handoff(r, handoff)
        assert following - handoff == timedelta(hours=hours)
        assert following.astimezone(ZoneInfo(tz)).strftime("%a %H:%M") == "Fri 17:00"
        before = rot.segment_at(r, [], following - timedelta(seconds=1)).primary
        after = rot.segment_at(r, [], following).primary
        assert before != after
        assert MEMBERS.index(after) == (MEMBERS.index(before) + 1) % 3
        # Monday's weekday shift still starts at 09:00 local after the change.
        weekday = next(s for s in rot.shifts(r, handoff, following) if s.kind == "weekday")
        assert weekday.start.astimezone(ZoneInfo(tz)).strftime("%a %H:%M") == "Mon 09:00"


def test_rotation_is_continuous_over_a_year_of_dst_changes():
    """No gaps and no overlaps between shifts over a whole year in a DST zone."""
    r = _rotation("Europe/Berlin")
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    found = rot.shifts(r, start, end)
    for first, second in itertools.pairwise(found):
        assert first.end == second.start
    weeks = [s.week for s in found]
    assert weeks == sorted(weeks)
    assert len({s.primary for s in found}) == 3


def test_override_replaces_the_primary_and_never_makes_them_their_own_secondary():
    r = _rotation("Asia/Seoul")
    begins, ends = _local(r, 2026, 1, 5, 12, 0), _local(r, 2026, 1, 5, 18, 0)
    cover = rot.Override(1, begins, ends, "U0PARK", "cover")
    pieces = rot.segments(r, [cover], _local(r, 2026, 1, 5, 9, 0), _local(r, 2026, 1, 5, 20, 0))
    assert [(p.primary, p.secondary) for p in pieces] == [
        ("U0KIM", "U0PARK"),
        ("U0PARK", "U0LEE"),  # the usual secondary is primary now: the next one steps in
        ("U0KIM", "U0PARK"),
    ]
    assert pieces[1].start == begins and pieces[1].end == ends


def test_night_hours_wrap_midnight():
    r = _rotation("Asia/Seoul")
    assert rot.is_night(r, _local(r, 2026, 1, 6, 23, 0))
    assert rot.is_night(r, _local(r, 2026, 1, 6, 7, 59))
    assert not rot.is_night(r, _local(r, 2026, 1, 6, 8, 0))
    assert rot.is_weekend(r, _local(r, 2026, 1, 4, 12, 0))
