"""`/oncall` text parsing and its answers, without a server."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Translator
from bot.slack.oncall.command import help_text, oncall_error_text, run_request
from commands.clock import FakeClock
from commands.config import Config, SlackConfig
from commands.context import Context
from commands.errors import CommandError
from commands.oncall.config import OnCallConfig
from commands.oncall.slash import OnCallRequest, parse_oncall, parse_user, swap_time
from tests.factories import SEOUL, seoul


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", OnCallRequest("now")),
        ("now", OnCallRequest("now")),
        ("  WHO ", OnCallRequest("now")),
        ("schedule", OnCallRequest("schedule", weeks=4)),
        ("schedule 8", OnCallRequest("schedule", weeks=8)),
        ("schedule 2w", OnCallRequest("schedule", weeks=2)),
        ("help", OnCallRequest("help")),
        ("remove #12", OnCallRequest("remove", override_id=12)),
        (
            "swap 2026-12-05 2026-12-12",  # a date alone: noon, the day's shift
            OnCallRequest("swap", first=seoul(2026, 12, 5, 12), second=seoul(2026, 12, 12, 12)),
        ),
        (
            "swap 2026-12-04 18:00 2026-12-11T10:00",
            OnCallRequest("swap", first=seoul(2026, 12, 4, 18), second=seoul(2026, 12, 11, 10)),
        ),
        (
            "cover <@U0KIM|kim> 2026-12-04 17:00 2026-12-06 09:00",
            OnCallRequest(
                "cover", user="U0KIM", first=seoul(2026, 12, 4, 17), second=seoul(2026, 12, 6, 9)
            ),
        ),
        (
            "cover <@W0LEE> 2026-12-04 2026-12-05",  # whole days: to the end of the 5th
            OnCallRequest(
                "cover", user="W0LEE", first=seoul(2026, 12, 4), second=seoul(2026, 12, 6)
            ),
        ),
    ],
)
def test_parses(text, expected):
    assert parse_oncall(text, SEOUL) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("rotate", "oncall.usage_unknown"),
        ("schedule many", "oncall.usage_bad"),
        ("schedule 99", "oncall.usage_bad"),
        ("schedule 0", "oncall.usage_bad"),
        ("swap 2026-12-05", "oncall.usage_bad"),
        ("swap next friday", "oncall.usage_bad"),
        ("swap 2026-12-05 2026-02-30", "error.oncall_bad_time"),
        ("cover <@U0KIM>", "oncall.usage_bad"),
        ("cover @kim 2026-12-04 2026-12-05", "error.oncall_unknown_user"),
        ("cover <@U0KIM> 2026-12-04 17:00", "oncall.usage_bad"),
        ("cover <@U0KIM> 2026-12-04 5pm 2026-12-05", "error.oncall_bad_time"),
        ("remove", "oncall.usage_bad"),
        ("remove x", "oncall.usage_bad"),
    ],
)
def test_bad_text_gets_a_usage_error(text, key):
    with pytest.raises(CommandError) as raised:
        parse_oncall(text, SEOUL)
    assert raised.value.key == key


@given(st.text(max_size=80))
def test_any_text_parses_or_gets_a_clear_error(text):
    try:
        parse_oncall(text, SEOUL)
    except CommandError as exc:
        # every error is worded from the catalog, in both languages
        for locale in ("en", "ko"):
            assert oncall_error_text(Translator(locale, SEOUL), exc)


def test_user_mentions_and_ids():
    assert parse_user("<@U0KIM|kim>") == "U0KIM"
    assert parse_user("U0KIM") == "U0KIM"
    with pytest.raises(CommandError):
        parse_user("<!here>")
    assert swap_time("2026-12-05", SEOUL) == seoul(2026, 12, 5, 12)


def test_answers_words_usage_and_errors_in_the_team_language():
    ko = Translator("ko", SEOUL)
    with pytest.raises(CommandError) as raised:
        parse_oncall("rotate", SEOUL)
    text = oncall_error_text(ko, raised.value)
    assert "알 수 없는" in text and "/oncall schedule [weeks]" in text
    with pytest.raises(CommandError) as raised:
        parse_oncall("cover <b>&", SEOUL)
    assert "/oncall cover @person FROM TO" in oncall_error_text(
        Translator("en", SEOUL), raised.value
    )
    assert "/oncall swap" in help_text(Translator("en", SEOUL))


def test_run_request_answers_now_and_refuses_a_non_member(database):
    config = Config(
        slack=SlackConfig(timezone="Asia/Seoul"),
        oncall=OnCallConfig(members=["U0KIM", "U0PARK"], start="2026-01-02"),
    )
    ctx = Context(database, config, FakeClock(seoul(2026, 1, 5, 10, 30)))  # week 0, Monday
    t = Translator("en", SEOUL)
    answer = run_request(ctx, t, parse_oncall("", SEOUL), "U9")
    assert answer["response_type"] == "ephemeral"
    assert "<@U0KIM> (primary), <@U0PARK> (secondary)" in answer["text"]
    assert "Next: <@U0PARK> from 2026-01-09 17:00 KST" in answer["text"]
    request = parse_oncall("cover <@U0NEW|new> 2026-01-06 2026-01-06", SEOUL)
    with pytest.raises(CommandError) as raised:
        run_request(ctx, t, request, "U9")
    assert oncall_error_text(t, raised.value).startswith("<@U0NEW> is not in the on-call rotation")
    request = parse_oncall("cover <@U0PARK|park> 2026-01-06 2026-01-06", SEOUL)
    covered = run_request(ctx, t, request, "U0PARK")["text"]
    assert covered.startswith("<@U0PARK> covers 2026-01-06 00:00 KST – 2026-01-07 00:00 KST")
    schedule = run_request(ctx, t, parse_oncall("schedule 1", SEOUL), "U9")
    assert "(override #1: cover)" in str(schedule["blocks"])
