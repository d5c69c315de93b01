"""Who is on call, the schedule, swaps and covers, and the tag on new incidents."""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.i18n import Translator
from bot.slack.incidents import views as incident_views
from commands.clock import FakeClock
from commands.config import Config, SlackConfig
from commands.context import Context
from commands.errors import CommandError
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.oncall import overrides
from commands.oncall import schedule as oncall
from commands.oncall.config import OnCallConfig
from commands.oncall.overrides import Changer
from storage.models import OnCallOverride
from tests.factories import SEOUL, seoul

MEMBERS = ["U0KIM", "U0PARK", "U0LEE"]

OPERATOR = Changer("U1", operator=True)  # the command line may change any shift


@pytest.fixture
def clock() -> FakeClock:
    """These tests follow the rotation's calendar from a known Monday morning, week 0."""
    return FakeClock(seoul(2026, 1, 5, 10, 30))


@pytest.fixture
def config() -> Config:
    return Config(
        slack=SlackConfig(incident_channel="#incidents", timezone="Asia/Seoul"),
        oncall=OnCallConfig(members=MEMBERS, start="2026-01-02"),
    )


def _overrides(ctx) -> list[OnCallOverride]:
    with ctx.db.reader() as session:
        return list(session.exec(select(OnCallOverride)))


def test_who_is_on_call_now_next_and_when(ctx):
    now = oncall.who_is_on_call(ctx)  # Monday 2026-01-05 10:30 KST, week 0
    assert (now.primary, now.secondary, now.shift) == ("U0KIM", "U0PARK", "weekday")
    assert now.in_working_hours
    assert now.until == seoul(2026, 1, 9, 17, 0)
    assert now.next_primary == "U0PARK"
    weekend = oncall.who_is_on_call(ctx, seoul(2026, 1, 10, 3, 0))
    assert (weekend.primary, weekend.shift) == ("U0PARK", "weekend")
    assert not weekend.in_working_hours


def test_nobody_on_call_without_members(ctx):
    empty = Context(ctx.db, Config(), ctx.clock)
    now = oncall.who_is_on_call(empty)
    assert now.primary is None and now.secondary is None and now.until is None
    created = incidents.create_incident(
        empty, IncidentDraft(title="x", severity="Sev3", created_by="U1")
    )
    assert created.oncall_user is None


def test_schedule_lists_the_coming_weeks_shift_by_shift(ctx):
    segments = oncall.schedule(ctx, weeks=2)
    assert [(s.shift.kind, s.primary) for s in segments] == [
        ("weekday", "U0KIM"),  # the current shift, to Friday 17:00
        ("weekend", "U0PARK"),
        ("weekday", "U0PARK"),
        ("weekend", "U0LEE"),
        ("weekday", "U0LEE"),  # under way 14 days from now: shown to its end
    ]
    assert segments[0].start == seoul(2026, 1, 5, 9, 0)  # the whole current shift
    assert segments[-1].end == seoul(2026, 1, 23, 17, 0)
    with pytest.raises(CommandError) as raised:
        oncall.schedule(ctx, weeks=0)
    assert raised.value.key == "error.oncall_weeks"


def _one_week_holds_the_coming_weekend(ctx: Context, at: datetime) -> None:
    segments = oncall.schedule(ctx, weeks=1, start=at)
    assert segments[0].start <= at < segments[0].end
    assert segments[-1].end >= at + timedelta(days=7)
    assert all(a.end == b.start for a, b in itertools.pairwise(segments))
    weekend = [s for s in segments if s.shift.kind == "weekend"]
    assert weekend and all(s.primary in MEMBERS for s in weekend)


def test_one_week_shows_the_coming_weekend_and_who_holds_it(database, config, now):
    _one_week_holds_the_coming_weekend(Context(database, config, FakeClock(now)), now)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    at=st.datetimes(
        min_value=datetime(2026, 1, 3), max_value=datetime(2032, 12, 31), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(["Asia/Seoul", "Europe/Berlin", "America/New_York", "UTC"]),
)
def test_one_week_holds_a_weekend_whatever_the_moment_and_zone(database, at, zone):
    config = Config(
        slack=SlackConfig(timezone=zone), oncall=OnCallConfig(members=MEMBERS, start="2026-01-02")
    )
    _one_week_holds_the_coming_weekend(Context(database, config, FakeClock(at)), at)


def test_new_incident_tags_whoever_is_on_call_and_a_swap_changes_who(ctx, clock):
    t = Translator("en", SEOUL)
    first = incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U9")
    )
    assert first.oncall_user == "U0KIM"
    text = str(incident_views.announcement(first, ctx.config, t)["blocks"])
    assert "On call: <@U0KIM>" in text

    # U0PARK's weekend (Jan 10) swaps with U0LEE's (Jan 17).
    result = overrides.swap(
        ctx, seoul(2026, 1, 10, 12, 0), seoul(2026, 1, 17, 12, 0), Changer("U0PARK", operator=True)
    )
    assert [(r.user_id, r.replaces) for r in result.rows] == [
        ("U0LEE", "U0PARK"),
        ("U0PARK", "U0LEE"),
    ]
    clock.set(seoul(2026, 1, 10, 3, 0))
    second = incidents.create_incident(
        ctx, IncidentDraft(title="DB down", severity="Sev1", created_by="U9")
    )
    assert second.oncall_user == "U0LEE"
    now = oncall.who_is_on_call(ctx)
    assert (now.primary, now.override) == ("U0LEE", "swap")
    # The weekday after the swapped weekend is U0PARK's again, as the rotation says.
    assert oncall.who_is_on_call(ctx, seoul(2026, 1, 12, 10, 0)).primary == "U0PARK"
    assert oncall.who_is_on_call(ctx, seoul(2026, 1, 17, 12, 0)).primary == "U0PARK"


def test_cover_makes_a_member_primary_for_a_period(ctx):
    result = overrides.cover(
        ctx, "U0LEE", seoul(2026, 1, 6, 9, 0), seoul(2026, 1, 7, 9, 0), OPERATOR
    )
    [row] = result.rows
    assert (row.kind, row.user_id, row.replaces) == ("cover", "U0LEE", "U0KIM")
    assert oncall.who_is_on_call(ctx, seoul(2026, 1, 6, 12, 0)).primary == "U0LEE"
    assert oncall.who_is_on_call(ctx, seoul(2026, 1, 6, 12, 0)).secondary == "U0PARK"
    assert oncall.who_is_on_call(ctx, seoul(2026, 1, 7, 9, 0)).primary == "U0KIM"
    now = oncall.who_is_on_call(ctx)
    assert (now.until, now.next_primary) == (seoul(2026, 1, 6, 9, 0), "U0LEE")


def _cover(user: str, start: tuple[int, ...], end: tuple[int, ...]):
    return lambda ctx: overrides.cover(ctx, user, seoul(2026, *start), seoul(2026, *end), OPERATOR)


def _swap(first: tuple[int, ...], second: tuple[int, ...]):
    return lambda ctx: overrides.swap(ctx, seoul(2026, *first), seoul(2026, *second), OPERATOR)


@pytest.mark.parametrize(
    ("attempt", "key"),
    [
        (_cover("U0NOBODY", (1, 8), (1, 9)), "error.oncall_not_member"),
        (_cover("bob", (1, 8), (1, 9)), "error.oncall_unknown_user"),
        (_cover("U0LEE", (1, 9), (1, 8)), "error.oncall_end_before_start"),
        (_cover("U0LEE", (1, 8), (1, 8)), "error.oncall_end_before_start"),
        (_cover("U0LEE", (1, 4), (1, 9)), "error.oncall_in_past"),
        (_cover("U0LEE", (1, 8), (5, 8)), "error.oncall_too_long"),
        # overlaps the existing cover of Jan 13 12:00-18:00
        (_cover("U0KIM", (1, 13, 17), (1, 14)), "error.oncall_overlap"),
        (_swap((1, 13, 12), (1, 20, 12)), "error.oncall_overlap"),
        (_swap((1, 5, 12), (1, 12, 12)), "error.oncall_shift_started"),
        (_swap((1, 10, 12), (1, 11, 12)), "error.oncall_same_shift"),
        (_swap((1, 10, 12), (1, 12, 12)), "error.oncall_same_person"),
    ],
)
def test_bad_overrides_are_refused_and_change_nothing(ctx, attempt, key):
    overrides.cover(ctx, "U0LEE", seoul(2026, 1, 13, 12), seoul(2026, 1, 13, 18), OPERATOR)
    before = [(r.id, r.start_at, r.end_at, r.user_id) for r in _overrides(ctx)]
    schedule_before = oncall.schedule(ctx, weeks=3)
    with pytest.raises(CommandError) as raised:
        attempt(ctx)
    assert raised.value.key == key
    assert [(r.id, r.start_at, r.end_at, r.user_id) for r in _overrides(ctx)] == before
    assert oncall.schedule(ctx, weeks=3) == schedule_before


def test_overrides_without_a_rotation_are_refused(ctx):
    empty = Context(ctx.db, Config(), ctx.clock)
    with pytest.raises(CommandError) as raised:
        overrides.cover(empty, "U0LEE", seoul(2026, 1, 8), seoul(2026, 1, 9), OPERATOR)
    assert raised.value.key == "error.oncall_no_members"


def test_concurrent_overlapping_covers_record_one(any_database, config, clock):
    ctx = Context(any_database, config, clock)
    barrier = threading.Barrier(6)

    def attempt(n: int) -> str:
        barrier.wait()
        try:
            start = seoul(2026, 1, 8, 10 + n)
            overrides.cover(
                ctx, "U0LEE", start, start + timedelta(hours=3), Changer(f"U{n}", operator=True)
            )
            return "ok"
        except CommandError as exc:
            return exc.key

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    # Each overlaps its neighbours; whichever order they run in, no two overlap.
    rows = sorted(_overrides(ctx), key=lambda r: r.start_at)
    assert outcomes.count("ok") == len(rows) >= 1
    assert set(outcomes) <= {"ok", "error.oncall_overlap"}
    for first, second in itertools.pairwise(rows):
        assert first.end_at <= second.start_at


def test_remove_undoes_both_halves_of_a_swap(ctx, clock):
    result = overrides.swap(ctx, seoul(2026, 1, 10, 12), seoul(2026, 1, 17, 12), OPERATOR)
    assert overrides.remove_override(ctx, result.rows[1].id, OPERATOR) == []
    assert _overrides(ctx) == []
    assert oncall.who_is_on_call(ctx, seoul(2026, 1, 10, 12)).primary == "U0PARK"
    cover = overrides.cover(ctx, "U0LEE", seoul(2026, 1, 6), seoul(2026, 1, 7), OPERATOR).rows[0]
    clock.set(seoul(2026, 1, 6, 12))
    [kept] = overrides.remove_override(ctx, cover.id, OPERATOR)  # running: it ends now
    assert kept.end_at == clock.now()
    clock.set(seoul(2026, 1, 8))
    with pytest.raises(CommandError) as raised:
        overrides.remove_override(ctx, cover.id, OPERATOR)
    assert raised.value.key == "error.oncall_override_over"
    with pytest.raises(CommandError):
        overrides.remove_override(ctx, 999, OPERATOR)


def test_parse_when_reads_team_time_and_refuses_nonsense():
    assert oncall.parse_when("2026-12-04 17:00", SEOUL) == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    assert oncall.parse_when("2026-12-04T17:00", SEOUL) == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    assert oncall.parse_when("2026-12-04", SEOUL, end_of_day=True) == seoul(2026, 12, 5)
    for bad in ("2026-13-01", "tomorrow", "2026-12-04 25:00", ""):
        with pytest.raises(CommandError) as raised:
            oncall.parse_when(bad, SEOUL)
        assert raised.value.key == "error.oncall_bad_time"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "oncall:\n  members: [U0KIM, bob]\n",
            "sre-bot.yml:2: oncall.members: 'bob' is not a Slack",
        ),
        ("oncall:\n  members: [U0KIM, U0KIM]\n", "listed twice"),
        ("oncall:\n  handoff: Friday 5pm\n", "sre-bot.yml:2: oncall.handoff: "),
        ("oncall:\n  working_hours: '18:00-09:00'\n", "must end after it begins"),
        (
            "oncall:\n  escalation:\n    - {after_minutes: 10, notify: primary}\n"
            "    - {after_minutes: 5, notify: channel}\n",
            "increasing after_minutes",
        ),
        ("oncall:\n  escalation:\n    - {after_minutes: 0, notify: boss}\n", "notify"),
        (
            "oncall:\n  memebers: [U0KIM]\n",
            "oncall.memebers: unknown key (known keys: admins, channel",
        ),
    ],
)
def test_bad_oncall_config_names_file_line_and_key(tmp_path, yaml_text, expected):
    from commands.config import load_config
    from commands.errors import ConfigError

    path = tmp_path / "sre-bot.yml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert expected in str(raised.value)


def test_handoff_message_in_korean(ctx, clock):
    from bot.slack.oncall import views
    from commands.oncall import handoff

    clock.set(seoul(2026, 1, 9, 17, 0))
    summary = handoff.handoff_summary(ctx, clock.now())
    message = views.handoff_message(summary, ctx.config, Translator("ko", SEOUL))
    text = str(message["blocks"])
    assert "<@U0KIM>님이 <@U0PARK>님에게 인계합니다 (보조 <@U0LEE>)" in text
    assert "인수인계 체크리스트" in text and "진행 중인 인시던트:* 없음" in text
    assert message["blocks"][0]["text"]["text"] == "온콜 인수인계 · 2026-01-09 17:00 KST"
