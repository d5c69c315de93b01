"""A bounded fuzzer over everything Slack can send to /slack/events, signed as Slack signs
it: whatever the text, payload or event, the bot answers with a status below 500, and a
person is never told "something went wrong on our side"."""

import json
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.messages import CATALOG
from bot.slack.ids import Action, Block, Callback
from tests.conftest import command_body
from tests.factories import block_action, view_submission

INTERNAL = CATALOG["error.internal"]["en"].split("(")[0]
FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

_words = st.sampled_from(
    [
        "create", "ack", "status", "severity", "note", "resolve", "close", "postmortem",
        "list", "report", "help", "now", "schedule", "swap", "cover", "remove", "run",
        "--dry-run", "sev1", "Sev2", "INC-20260105-103000", "INC-1", "-5", "0", "99999",
        "2026-12-04", "2026-02-30 25:00", "<@U0ALICE>", "<!channel>", "mitigated", "resolved",
        "https://docs.example.com/pm", "qwen_failure_downshift", "장애", "🔥", "\u00a0", "&",
    ]
)  # fmt: skip
_text = st.lists(_words | st.text(max_size=10), max_size=6).map(" ".join)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_value = st.sampled_from(["1", "0", "-1", "INC-1", '{"run": 1, "gate": -1}', "", "x" * 300]) | (
    _json.map(json.dumps)
)


@pytest.fixture
def bot(start_service):
    return start_service()


def _below_500(response) -> None:
    assert response.status_code < 500, response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        assert INTERNAL not in response.text, response.text


@FUZZ
@given(command=st.sampled_from(["/incident", "/oncall", "/runbook", "/slo", "/health"]), text=_text)
def test_any_command_text_is_answered(bot, slack, command, text):
    # A response_url that answers: a refused one makes the HTTP client retry with jitter from
    # the global `random`, in a background thread, while the next example is being drawn.
    answer_at = slack.response_url("fuzz")
    _below_500(bot.post(command_body(text, command=command, response_url=answer_at)))


@FUZZ
@given(action=st.sampled_from(list(Action)), value=_value, block=st.sampled_from(list(Block)))
def test_any_button_press_is_answered(bot, action, value, block):
    payload = block_action(action, value, "U0ALICE", bot.url + "/nowhere", block_id=block)
    _below_500(bot.interact(payload))


@FUZZ
@given(
    callback=st.sampled_from(list(Callback)),
    values=st.dictionaries(
        st.sampled_from(list(Block)),
        st.dictionaries(
            st.sampled_from(["value", "title", "x"]),
            st.fixed_dictionaries(
                {"type": st.sampled_from(["plain_text_input", "static_select", "x"])},
                optional={
                    "value": st.text(max_size=30) | st.none(),
                    "selected_option": st.fixed_dictionaries({"value": st.text(max_size=8)}),
                },
            ),
            max_size=2,
        ),
        max_size=4,
    ),
    metadata=_value,
)
def test_any_modal_submission_is_answered(bot, callback, values, metadata):
    view = {"type": "modal", "callback_id": callback, "private_metadata": metadata}
    payload = view_submission(view, values, view_id="V1")
    _below_500(bot.interact(payload))


@FUZZ
@given(
    kind=st.sampled_from(["app_mention", "message", "app_home_opened", "reaction_added", "x"]),
    event=st.dictionaries(st.sampled_from(["text", "user", "channel", "ts", "bot_id"]), _json),
    event_id=st.text(min_size=1, max_size=20),
)
def test_any_event_is_answered(bot, kind, event, event_id):
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0TEAM",
            "api_app_id": "A0APP",
            "event_id": event_id,
            "event_time": 1767576600,
            "event": {**event, "type": kind},
        }
    )
    _below_500(bot.post(body, headers={**bot.sign(body), "Content-Type": "application/json"}))


@FUZZ
@given(raw=st.binary(max_size=300) | _text.map(str.encode))
def test_any_signed_bytes_are_answered(bot, raw):
    """Bodies that are no Slack payload at all, signed (so they pass the signature)."""
    text = raw.decode("utf-8", "replace")
    body = urllib.parse.quote(text, safe="=&")
    _below_500(bot.post(body))
