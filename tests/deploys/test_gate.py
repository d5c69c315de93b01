"""The deploy gate: spent budgets and open Sev1/Sev2 incidents block; Prometheus down is
"unknown" (exit 3, HTTP 503) unless an incident already blocks. CLI and `GET /deploy/check`."""

import json

import httpx
import pytest

from commands.config import Config, PrometheusConfig, SlackConfig
from commands.context import Context
from commands.deploys.gate import ALLOWED, BLOCKED, UNKNOWN, check_deploy
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.slo.config import DeployGateConfig, SlosConfig
from tests.conftest import ALERT_TOKEN, free_port
from tests.factories import EXAMPLE_SLOS as SLOS
from tests.factories import WINDOWS_7D, slos_yaml


def gate_config(url: str, *files: str, blocking=("Sev1", "Sev2"), timeout: float = 10) -> Config:
    return Config(
        slack=SlackConfig(timezone="Asia/Seoul"),
        prometheus=PrometheusConfig(url=url, timeout_seconds=timeout),
        slos=SlosConfig(
            files=[str(SLOS / f) for f in files],
            alert_windows=[str(WINDOWS_7D)],
            deploy_gate=DeployGateConfig(block_on_open_incidents=list(blocking)),
        ),
    )


@pytest.fixture
def gate(database, prom_clock, prometheus):
    def make(*files: str, url: str | None = None, **options) -> Context:
        return Context(database, gate_config(url or prometheus.url, *files, **options), prom_clock)

    return make


def test_allowed_when_budgets_are_left_and_no_incident_is_open(gate):
    decision = check_deploy(gate("api-availability.yaml"))
    assert decision.verdict == ALLOWED and decision.reasons == []
    data = decision.as_json()
    assert data["allowed"] is True and data["slos"][0]["status"] == "healthy"


def test_a_spent_budget_blocks_and_is_named(gate):
    decision = check_deploy(gate("api-availability.yaml", "llm-latency.yaml"))
    assert decision.verdict == BLOCKED
    [reason] = decision.as_json()["reasons"]
    assert reason["kind"] == "slo_exhausted" and reason["slo"] == "llm-creative-latency"
    assert reason["error_budget_remaining"] == pytest.approx(-0.2, abs=1e-6)


@pytest.mark.parametrize(
    ("severity", "blocking", "verdict"),
    [
        ("Sev2", ("Sev1", "Sev2"), BLOCKED),
        ("Sev1", ("Sev1", "Sev2"), BLOCKED),
        ("Sev3", ("Sev1", "Sev2"), ALLOWED),
        ("Sev2", ("Sev1",), ALLOWED),
        ("Sev3", ("Sev3",), BLOCKED),
        ("Sev1", (), ALLOWED),
    ],
)
def test_open_incidents_block_by_configured_severity(gate, severity, blocking, verdict):
    ctx = gate("api-availability.yaml", blocking=blocking)
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="Qwen down", severity=severity, created_by="U1")
    )
    decision = check_deploy(ctx)
    assert decision.verdict == verdict
    if verdict == BLOCKED:
        assert decision.as_json()["reasons"] == [
            {
                "kind": "incident_open",
                "id": incident.id,
                "severity": severity,
                "status": "detected",
                "title": "Qwen down",
            }
        ]


def test_a_resolved_incident_no_longer_blocks(gate):
    ctx = gate("api-availability.yaml")
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U1")
    )
    assert check_deploy(ctx).verdict == BLOCKED
    incidents.resolve(ctx, incident.id, actor="U1")
    assert check_deploy(ctx).verdict == ALLOWED


def test_prometheus_down_is_unknown_unless_an_incident_blocks(gate):
    url = f"http://127.0.0.1:{free_port()}"
    ctx = gate("api-availability.yaml", url=url)
    decision = check_deploy(ctx)
    assert decision.verdict == UNKNOWN
    assert decision.reasons[0].kind == "prometheus_unreachable"
    incidents.create_incident(
        ctx, IncidentDraft(title="DB unreachable", severity="Sev1", created_by="U1")
    )
    decision = check_deploy(ctx)
    assert decision.verdict == BLOCKED
    assert [r.kind for r in decision.reasons] == ["incident_open", "prometheus_unreachable"]


def _check(bot, token: str | None = ALERT_TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(bot.url + "/deploy/check", headers=headers, timeout=10)


def test_http_deploy_check(start_service, prometheus, tmp_path):
    blocked = start_service(config_override=gate_config(prometheus.url, *_ALL))
    answer = _check(blocked)
    assert answer.status_code == 409
    body = answer.json()
    assert body["allowed"] is False and body["status"] == "blocked"
    assert body["reasons"][0]["slo"] == "llm-creative-latency"
    assert {s["slo"] for s in body["slos"]} >= {"api-availability", "rl-reward-stability"}
    blocked.service.stop()

    allowed = start_service(
        config_override=gate_config(prometheus.url, "api-availability.yaml"),
        database_url=f"sqlite:///{tmp_path / 'b.db'}",
    )
    answer = _check(allowed)
    assert answer.status_code == 200 and answer.json()["allowed"] is True
    allowed.service.stop()

    down = start_service(
        config_override=gate_config(f"http://127.0.0.1:{free_port()}", "api-availability.yaml"),
        database_url=f"sqlite:///{tmp_path / 'c.db'}",
    )
    answer = _check(down)
    assert answer.status_code == 503
    assert answer.json()["status"] == "unknown"
    assert "cannot connect" in answer.json()["prometheus_error"]


_ALL = ("api-availability.yaml", "llm-latency.yaml", "rl-reward.yaml")


def test_cli_deploy_check_exit_codes(cli, prometheus):
    def config(url: str, *files: str) -> str:
        listed = [SLOS / f for f in files]
        return f"prometheus:\n  url: {url}\n  timeout_seconds: 3\n" + slos_yaml(*listed)

    cli.configure(config(prometheus.url, "api-availability.yaml"))
    allowed = cli("deploy", "check")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith("Deploys allowed")

    cli.configure(config(prometheus.url, *_ALL))
    blocked = cli("deploy", "check", "--json")
    assert blocked.returncode == 1, blocked.stderr
    assert json.loads(blocked.stdout)["reasons"][0]["slo"] == "llm-creative-latency"

    down = f"http://127.0.0.1:{free_port()}"
    cli.configure(config(down, "api-availability.yaml"))
    unknown = cli("deploy", "check")
    assert unknown.returncode == 3
    assert "Cannot decide: Prometheus cannot be reached" in unknown.stdout

    created = cli("incident", "create", "--title", "API down", "--severity", "Sev1")
    assert created.returncode == 0, created.stderr
    blocked = cli("deploy", "check")
    assert blocked.returncode == 1
    assert "Sev1 incident INC-" in blocked.stdout and "API down" in blocked.stdout
    assert "Prometheus cannot be reached, SLOs not checked" in blocked.stdout


def test_without_a_token_deploy_check_shows_only_the_decision_and_reason_codes(
    start_service, prometheus
):
    """The port is public (Slack and Alertmanager must reach it): incident titles and SLO
    names are for CI holding the token."""
    bot = start_service(
        config_override=gate_config(prometheus.url, *_ALL), deploy_token="deploy-secret"
    )
    incidents.create_incident(
        bot.ctx, IncidentDraft(title="Secret project Falcon down", severity="Sev1", created_by="U1")
    )
    for token in (None, "not-the-token"):
        answer = _check(bot, token)
        assert answer.status_code == 409
        body = answer.json()
        assert body["allowed"] is False and body["status"] == "blocked"
        assert body["reasons"] == [{"kind": "slo_exhausted"}, {"kind": "open_sev1"}]
        assert "Falcon" not in answer.text and "llm-creative-latency" not in answer.text
    detailed = _check(bot, "deploy-secret").json()  # DEPLOY_CHECK_TOKEN works as well
    assert detailed["reasons"][-1]["title"] == "Secret project Falcon down"
