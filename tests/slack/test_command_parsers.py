"""Every slash command's text, whatever a person types: a request, or a usage error worded in
both languages. Nothing else may reach Bolt (it would answer Slack with a 500)."""

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import Translator
from bot.messages import CATALOG
from bot.slack.common import failure_text
from bot.slack.incidents.command import incident_error_text
from bot.slack.oncall.command import oncall_error_text
from commands.errors import CommandError
from commands.incidents.slash import USAGE as INCIDENT_SUBS
from commands.incidents.slash import parse_incident
from commands.oncall.slash import USAGE as ONCALL_SUBS
from commands.oncall.slash import parse_oncall
from commands.runbooks.slash import parse_runbook_command
from commands.slo.slash import parse_slo

SEOUL = ZoneInfo("Asia/Seoul")
TRANSLATORS = [Translator("en", SEOUL), Translator("ko", SEOUL)]
INTERNAL = {CATALOG["error.internal"][lang].split("(")[0] for lang in ("en", "ko")}

# Words people type, so the fuzzer reaches past the sub-command into the arguments.
_WORDS = st.sampled_from(
    [
        *INCIDENT_SUBS,
        *ONCALL_SUBS,
        "run",
        "list",
        "--dry-run",
        "all",
        "sev1",
        "Sev2",
        "critical",
        "INC-20260105-103000",
        "-5",
        "0",
        "3651",
        "30d",
        "abc",
        "2026-12-04",
        "2026-02-30",
        "2026-12-04T17:00",
        "17:00",
        "25:61",
        "<@U0ALICE>",
        "<@U0ALICE|alice>",
        "@alice",
        "U0BOB",
        "https://docs.example.com/pm",
        "javascript:alert(1)",
        "장애",
        "🔥",
        "\u00a0",
        "<!channel>",
        "&amp;",
        "x" * 200,
    ]
)
_TEXT = st.lists(_WORDS | st.text(max_size=12), max_size=6).map(" ".join) | st.text(max_size=300)


def _worded(error: CommandError, words) -> None:
    for t in TRANSLATORS:
        text = words(t, error)
        assert text.strip()
        assert not any(text.startswith(internal) for internal in INTERNAL), text


@settings(max_examples=400, deadline=None)
@given(text=_TEXT)
def test_incident_text_parses_or_gets_a_worded_usage_error(text):
    try:
        parse_incident(text)
    except CommandError as error:
        _worded(error, incident_error_text)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT)
def test_oncall_text_parses_or_gets_a_worded_usage_error(text):
    try:
        parse_oncall(text, SEOUL)
    except CommandError as error:
        _worded(error, oncall_error_text)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT)
def test_runbook_text_parses_or_gets_a_worded_usage_error(text):
    try:
        parse_runbook_command(text)
    except CommandError as error:
        _worded(error, failure_text)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT)
def test_slo_text_always_parses(text):
    request = parse_slo(text)
    assert request.sub in ("help", "report", "detail")


@pytest.mark.parametrize("text", ["report abc", "report -5", "report 0", "report 99999"])
def test_a_bad_number_of_days_is_worded_not_a_500(text):
    with pytest.raises(CommandError) as raised:
        parse_incident(text)
    en, ko = (incident_error_text(t, raised.value) for t in TRANSLATORS)
    assert "a number of days from 1 to 3650" in en and "/incident report [days]" in en
    assert "1에서 3650 사이의 일 수" in ko
