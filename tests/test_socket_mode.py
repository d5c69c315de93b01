"""The bot in Socket Mode: Bolt's SocketModeHandler against the local Slack's WebSocket.

One bot serves the whole module (stopping slack_sdk's Socket Mode client takes up to a second),
so each test looks only at what its own envelopes caused.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.local_slack.workspace import Workspace
from bot.process import DeliveryTuning, Service
from bot.settings import Settings
from commands.clock import Clock, RunningClock, parse_instant
from commands.config import Config, SlackConfig
from commands.incidents import lifecycle as incidents
from tests.conftest import command_body, free_port, sign
from tests.factories import block_action, mention_event
from tests.fakes.slack import FakeSlack

_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")


@dataclass
class Bot:
    service: Service
    url: str
    slack: FakeSlack

    def command(self, text: str, user: str = "U0ALICE") -> dict | None:
        """`/incident text` as Slack delivers it in Socket Mode; the ack's payload."""
        payload = {
            "token": "legacy-verification-token",
            "team_id": "T0TEAM",
            "team_domain": "artisan",
            "channel_id": "C0INCIDENTS",
            "channel_name": "incidents",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/incident",
            "text": text,
            "api_app_id": "A0APP",
            "is_enterprise_install": "false",
            "response_url": self.slack.response_url("command"),
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
        return self.slack.socket_send("slash_commands", payload)


@pytest.fixture(scope="module")
def module_clock(request) -> RunningClock:
    return RunningClock(parse_instant(request.config.getoption("--clock-at")))


@pytest.fixture(scope="module")
def slack(module_clock) -> Iterator[FakeSlack]:
    fake = FakeSlack(Workspace(clock=lambda: module_clock.now().timestamp()))
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def bot(slack, tmp_path_factory, module_clock) -> Iterator[Bot]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in _PROXY_VARIABLES:  # slack_sdk's Socket Mode client would tunnel through one
            monkeypatch.delenv(name, raising=False)
        yield from _running_bot(slack, tmp_path_factory.mktemp("socket-mode"), module_clock)


def _running_bot(slack: FakeSlack, tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    settings = Settings(
        slack_bot_token=SecretStr("xoxb-test"),
        slack_app_token=SecretStr("xapp-test"),
        slack_signing_secret=None,
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        slack_timeout_seconds=1.0,
    )
    tuning = DeliveryTuning(
        interval=0.05,
        max_backoff=0.3,
        channel_rate=100.0,
        channel_burst=100.0,
        claim_seconds=2.0,
        min_gap=0.01,
    )
    config = Config(slack=SlackConfig(timezone="Asia/Seoul"))
    service = Service(settings, config, tuning=tuning, clock=clock)
    port = free_port()
    service.start_in_thread("127.0.0.1", port)
    try:
        assert slack.socket_connected(timeout=5.0), slack.dump()
        yield Bot(service, f"http://127.0.0.1:{port}", slack)
    finally:
        service.stop()
    assert slack.workspace.wait_for(lambda: slack.socket_mode.connections() == 0, 5.0)


def _created_id(answer: dict) -> str:
    return answer["text"].split("Incident Created: ")[1].split(" ")[0]


def _last_envelope(slack: FakeSlack):
    return slack.calls("socket_mode.envelope")[-1]


def test_the_bot_connects_once_with_its_app_token(bot, slack):
    [opened] = slack.calls("apps.connections.open")
    assert opened.ok
    assert slack.socket_mode.connections() == 1


def test_create_is_acked_over_the_socket_and_announced(bot, slack):
    answer = bot.command("create sev2 Qwen LLM failure")
    assert answer is not None
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Incident Created: INC-")
    incident_id = _created_id(answer)
    incident = incidents.get_incident(bot.service.ctx, incident_id)
    assert (incident.title, incident.severity, incident.created_by) == (
        "Qwen LLM failure",
        "Sev2",
        "U0ALICE",
    )

    def announcement():
        return [
            c
            for c in slack.ok_calls("chat.postMessage")
            if not c.params.get("thread_ts") and incident_id in json.dumps(c.params["blocks"])
        ]

    [posted] = slack.wait_for(announcement)
    assert posted.params["channel"] == "#incidents"

    envelope = _last_envelope(slack)
    assert envelope.ok
    assert envelope.params["type"] == "slash_commands"
    assert envelope.params["accepts_response_payload"] is True
    assert envelope.params["payload"]["text"] == "create sev2 Qwen LLM failure"
    [ack] = [
        c
        for c in slack.calls("socket_mode.ack")
        if c.params["envelope_id"] == envelope.params["envelope_id"]
    ]
    assert ack.ok and ack.params["payload"] == answer


def test_help_answers_usage(bot):
    answer = bot.command("help")
    assert answer is not None
    assert answer["response_type"] == "ephemeral"
    assert "/incident create sev2 &lt;title&gt;" in answer["text"]
    assert "/incident status" in answer["text"]


def test_unknown_severity_lists_valid_ones_and_creates_nothing(bot):
    before = incidents.list_incidents(bot.service.ctx)
    answer = bot.command("create critical API down")
    assert answer is not None
    assert answer["text"] == "Unknown severity `critical`. Use one of: Sev1, Sev2, Sev3, Sev4."
    assert incidents.list_incidents(bot.service.ctx) == before


def test_pressing_acknowledge_records_it(bot, slack):
    answer = bot.command("create sev1 API down")
    assert answer is not None
    incident_id = _created_id(answer)
    press = block_action(
        "incident_acknowledge",
        incident_id,
        "U0BOB",
        slack.response_url("k"),
        block_id="incident_actions",
    )
    assert slack.socket_send("interactive", press) is None  # a button's ack carries nothing
    envelope = _last_envelope(slack)
    assert envelope.ok and envelope.params["type"] == "interactive"
    assert envelope.params["accepts_response_payload"] is False

    [reply] = slack.wait_for(
        lambda: [c for c in slack.calls("response_url") if c.params["key"] == "k"]
    )
    assert reply.params["text"].startswith(f"You acknowledged {incident_id}")
    assert incidents.get_incident(bot.service.ctx, incident_id).acknowledged_by == "U0BOB"


def test_a_mention_event_is_answered_in_its_thread(bot, slack):
    event = mention_event("Ev0SOCKET01", bot.service.ctx.clock.now(), ts="1700000000.000200")
    assert slack.socket_send("events_api", event) is None
    envelope = _last_envelope(slack)
    assert (envelope.params["retry_attempt"], envelope.params["retry_reason"]) == (0, "")

    def replies():
        return [
            c
            for c in slack.ok_calls("chat.postMessage")
            if c.params.get("thread_ts") == "1700000000.000200"
        ]

    [reply] = slack.wait_for(replies)
    assert "/incident help" in reply.params["text"]


def test_the_http_route_refuses_signed_looking_requests(bot):
    before = incidents.list_incidents(bot.service.ctx)
    body = command_body("create sev1 should not exist")
    # Signed with a secret the bot might know, and with an empty one: there is none to match.
    at = bot.service.ctx.clock.now().timestamp()
    for headers in (sign(body, at), sign(body, at, secret="")):
        response = httpx.post(
            bot.url + "/slack/events", content=body.encode(), headers=headers, timeout=5.0
        )
        assert response.status_code == 401
    assert incidents.list_incidents(bot.service.ctx) == before


def test_a_button_no_listener_knows_is_still_acknowledged(bot, slack):
    press = {
        "type": "block_actions",
        "team": {"id": "T0TEAM"},
        "user": {"id": "U0BOB", "team_id": "T0TEAM"},
        "api_app_id": "A0APP",
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "C0001"},
        "channel": {"id": "C0001"},
        "response_url": slack.response_url("old"),
        "actions": [{"type": "button", "action_id": "from_an_older_version", "value": "x"}],
    }
    assert slack.socket_send("interactive", press) is None  # no timeout: it was acked
    assert _last_envelope(slack).ok


def test_slack_down_at_start_up_does_not_stop_the_bot(tmp_path, monkeypatch, live_clock):
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    slack = FakeSlack()
    slack.fail("apps.connections.open", status=503, times=1)
    try:
        running = _running_bot_without_waiting(slack, tmp_path, live_clock)
        try:
            ready = httpx.get(f"{running.url}/health/ready", timeout=5).json()
            if not slack.socket_mode.connections():
                assert "Socket Mode not connected" in ready["checks"]["slack"]["detail"]
            assert slack.socket_connected(timeout=10.0), slack.dump()  # the retry connects
            assert len(slack.calls("apps.connections.open")) >= 2
        finally:
            running.service.stop()
    finally:
        slack.close()


def _running_bot_without_waiting(slack: FakeSlack, tmp_path: Path, clock: Clock) -> Bot:
    settings = Settings(
        slack_bot_token=SecretStr("xoxb-test"),
        slack_app_token=SecretStr("xapp-test"),
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        slack_timeout_seconds=1.0,
    )
    service = Service(settings, Config(slack=SlackConfig(timezone="Asia/Seoul")), clock=clock)
    port = free_port()
    service.start_in_thread("127.0.0.1", port)  # returns although Slack refused the socket
    return Bot(service, f"http://127.0.0.1:{port}", slack)
