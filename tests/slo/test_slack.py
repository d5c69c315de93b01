"""`/slo` in Slack, signed as Slack signs it: ack first, the figures through the response_url."""

import socket
import time

import pytest

from commands.config import Config, PrometheusConfig, SlackConfig
from commands.slo.config import SlosConfig
from tests.conftest import ROOT, poll_until
from tests.factories import WINDOWS_7D

SLOS = ROOT / "examples" / "slos"
ALL = [str(SLOS / f) for f in ("api-availability.yaml", "llm-latency.yaml", "rl-reward.yaml")]


def slo_config(url: str, timeout: float = 10.0, locale: str = "en") -> Config:
    return Config(
        slack=SlackConfig(timezone="Asia/Seoul", locale=locale),
        prometheus=PrometheusConfig(url=url, timeout_seconds=timeout),
        slos=SlosConfig(alert_windows=[str(WINDOWS_7D)], files=ALL, evaluate_every_minutes=0),
    )


def ask(bot, slack, text: str, key: str):
    slack.workspace.register_response_url(key, channel="C0INCIDENTS", user="U0ALICE")
    started = time.monotonic()
    answer = bot.command(text, command="/slo", response_url=slack.response_url(key))
    acked_in = time.monotonic() - started
    assert answer.status_code == 200, answer.text
    return answer, acked_in


def delivered(slack, key: str) -> dict:
    return poll_until(lambda: slack.workspace.responses(key), timeout=15)[0].payload


@pytest.fixture
def bot(start_service, prometheus):
    return start_service(config_override=slo_config(prometheus.url))


def test_slo_shows_the_report_as_blocks(bot, slack):
    answer, _ = ask(bot, slack, "", "report")
    assert answer.text == ""  # a bare ack: the report follows
    payload = delivered(slack, "report")
    assert payload["response_type"] == "ephemeral"
    blocks = payload["blocks"]
    assert blocks[0]["type"] == "header"
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert any("*api-availability*" in s and "70.0%" in s for s in sections)
    assert "Deployments blocked due to SLO violations: llm-creative-latency" in sections[-1]


def test_slo_name_shows_burn_rates(bot, slack):
    ask(bot, slack, "llm-balanced-latency", "one")
    payload = delivered(slack, "one")
    text = str(payload["blocks"])
    assert "llm-balanced-latency" in payload["blocks"][0]["text"]["text"]
    for window in ("*5m*", "*1h*", "*6h*", "*3d*"):
        assert window in text
    assert "0.90x" in text  # 4.5% slower than 3.2 s against a 5% budget
    assert "Under 20% left" in text


def test_unknown_slo_and_help(bot, slack):
    ask(bot, slack, "checkout", "unknown")
    text = delivered(slack, "unknown")["text"]
    assert "There is no SLO `checkout`" in text and "api-availability" in text
    answer, _ = ask(bot, slack, "help", "help")
    assert "`/slo <name>`" in answer.json()["text"]


def test_a_hanging_prometheus_never_delays_the_ack(start_service, slack):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # accepts connections (in the backlog), never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        bot = start_service(config_override=slo_config(url, timeout=1.0, locale="ko"))
        _, acked_in = ask(bot, slack, "", "hang")
        assert acked_in < 0.9
        text = delivered(slack, "hang")["text"]
        assert f"Prometheus({url})에 연결할 수 없어" in text
        assert "1 s" in text
    finally:
        listener.close()
