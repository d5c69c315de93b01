"""Who may swap, cover and remove shifts; every change posted in the on-call channel, tagging
the people it moves; overrides naming someone who left the rotation are reported, not
applied."""

import logging

import pytest

from bot.i18n import Translator
from bot.process import _report_stale_overrides
from bot.slack.oncall import views
from bot.slack.oncall.command import oncall_error_text, run_request
from commands.clock import FakeClock
from commands.config import Config, SlackConfig
from commands.context import Context
from commands.errors import CommandError
from commands.notices import Template
from commands.oncall import overrides
from commands.oncall import schedule as oncall
from commands.oncall.config import OnCallConfig
from commands.oncall.overrides import Changer
from commands.oncall.slash import parse_oncall
from tests.factories import SEOUL, outbox_rows, seoul

# Week 0 (from Fri 2026-01-02 17:00) is U0KIM's, week 1 U0PARK's, week 2 U0LEE's.
MEMBERS = ["U0KIM", "U0PARK", "U0LEE"]
WEEKEND_1, WEEKEND_2 = seoul(2026, 1, 10, 12), seoul(2026, 1, 17, 12)  # PARK's, LEE's
T = Translator("en", SEOUL)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(seoul(2026, 1, 5, 10, 30))  # Monday of week 0


@pytest.fixture
def config() -> Config:
    return Config(
        slack=SlackConfig(timezone="Asia/Seoul", digest_channel="#sre"),
        oncall=OnCallConfig(members=MEMBERS, start="2026-01-02", admins=["U0BOSS", "S0LEADS"]),
    )


def _posts(ctx) -> list[dict]:
    return [
        {"channel": m.channel, **views.change_message(m.args, T)}
        for m in outbox_rows(ctx, Template.ONCALL_CHANGE)
    ]


def _refused(call) -> CommandError:
    with pytest.raises(CommandError) as raised:
        call()
    assert raised.value.key == "error.oncall_not_allowed"
    return raised.value


def test_someone_outside_the_rotation_cannot_swap_cover_or_remove(ctx):
    outsider = Changer("U0MALLORY")
    error = _refused(lambda: overrides.swap(ctx, WEEKEND_1, WEEKEND_2, outsider))
    assert oncall_error_text(T, error) == (
        "Only the people whose shifts this changes (<@U0PARK>, <@U0LEE>) or an on-call admin "
        "(`oncall.admins`) can do this."
    )
    _refused(lambda: overrides.cover(ctx, "U0LEE", seoul(2026, 1, 6), seoul(2026, 1, 7), outsider))
    swapped = overrides.swap(ctx, WEEKEND_1, WEEKEND_2, Changer("U0PARK"))
    _refused(lambda: overrides.remove_override(ctx, swapped.rows[0].id, outsider))
    _refused(lambda: overrides.remove_override(ctx, swapped.rows[0].id, Changer("U0KIM")))
    assert len(_posts(ctx)) == 1  # the refusals changed and posted nothing
    assert oncall.who_is_on_call(ctx, WEEKEND_1).primary == "U0LEE"


def test_the_people_whose_shifts_move_and_admins_may(ctx):
    assert overrides.swap(ctx, WEEKEND_1, WEEKEND_2, Changer("U0LEE")).rows
    # a cover: the one who covers, or the one covered for (U0KIM holds week 0)
    assert overrides.cover(ctx, "U0LEE", seoul(2026, 1, 6), seoul(2026, 1, 7), Changer("U0KIM"))
    assert overrides.cover(
        ctx, "U0PARK", seoul(2026, 1, 7, 12), seoul(2026, 1, 7, 13), Changer("U0PARK")
    )
    admin = Changer("U0BOSS")
    assert overrides.cover(ctx, "U0LEE", seoul(2026, 1, 8), seoul(2026, 1, 8, 6), admin)
    in_leads = Changer("U0ANN", in_group=lambda group, user: (group, user) == ("S0LEADS", "U0ANN"))
    assert overrides.cover(ctx, "U0LEE", seoul(2026, 1, 8, 7), seoul(2026, 1, 8, 8), in_leads)


def test_a_failing_group_lookup_never_grants(ctx):
    def broken(group: str, user: str) -> bool:
        raise TimeoutError("usergroups.users.list timed out")

    _refused(lambda: overrides.swap(ctx, WEEKEND_1, WEEKEND_2, Changer("U0ANN", in_group=broken)))


def test_every_change_is_posted_in_the_oncall_channel_tagging_who_moved(ctx):
    swapped = overrides.swap(ctx, WEEKEND_1, WEEKEND_2, Changer("U0BOSS"))
    [added] = _posts(ctx)
    assert added["channel"] == "#sre"
    assert added["text"].startswith(":calendar: <@U0BOSS> changed the on-call schedule:\nSwapped:")
    assert "<@U0LEE> takes 2026-01-09 17:00 KST" in added["text"]
    assert "<@U0PARK> takes 2026-01-16 17:00 KST" in added["text"]

    overrides.remove_override(ctx, swapped.rows[0].id, Changer("U0PARK"))
    removed = _posts(ctx)[1]["text"]
    assert removed.splitlines() == [
        f":calendar: <@U0PARK> removed override #{swapped.rows[0].id}; the rotation holds "
        "these shifts again:",
        "• 2026-01-09 17:00 KST – 2026-01-12 09:00 KST: <@U0PARK> (instead of <@U0LEE>)",
        "• 2026-01-16 17:00 KST – 2026-01-19 09:00 KST: <@U0LEE> (instead of <@U0PARK>)",
    ]


def test_the_slash_command_checks_the_person_and_their_user_groups(ctx):
    request = parse_oncall("swap 2026-01-10 2026-01-17", SEOUL)
    with pytest.raises(CommandError):
        run_request(ctx, T, request, "U0MALLORY", groups=lambda group, user: False)
    answer = run_request(ctx, T, request, "U0ANN", groups=lambda group, user: group == "S0LEADS")
    assert answer["text"].startswith("Swapped:")


def test_an_override_naming_a_former_member_is_reported_and_not_applied(ctx, caplog):
    cover = overrides.cover(ctx, "U0LEE", seoul(2026, 1, 6), seoul(2026, 1, 7), Changer("U0LEE"))
    assert oncall.who_is_on_call(ctx, seoul(2026, 1, 6, 12)).primary == "U0LEE"
    without_lee = ctx.config.model_copy(
        update={"oncall": ctx.config.oncall.model_copy(update={"members": ["U0KIM", "U0PARK"]})}
    )
    later = Context(ctx.db, without_lee, ctx.clock)
    assert oncall.who_is_on_call(later, seoul(2026, 1, 6, 12)).primary == "U0KIM"
    [stale] = oncall.stale_overrides(later)
    assert stale.id == cover.rows[0].id
    now = run_request(later, T, parse_oncall("", SEOUL), "U0KIM")["text"]
    assert (
        f":warning: Override #{stale.id} names <@U0LEE>, who is no longer in `oncall.members`"
        in now
    )
    with caplog.at_level(logging.WARNING, logger="bot.process"):
        _report_stale_overrides(later)
    assert f"on-call override #{stale.id}" in caplog.text and "U0LEE" in caplog.text
    overrides.remove_override(later, stale.id, Changer("U0KIM"))
    assert oncall.stale_overrides(later) == []
