"""The runbook engine on a real database against the loopback fake of the team's service."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from commands import incidents, runbooks
from commands.config import Config, PrometheusConfig, RunbooksConfig, SlackConfig
from commands.context import Context
from commands.errors import CommandError, Conflict, NotFound
from commands.notices import Template
from storage import runbooks as repo
from storage.models import OutboxMessage, RunbookRun
from tests.conftest import ROOT, free_port
from tests.fakes.service import FakeService

EXAMPLES = ROOT / "examples" / "runbooks"


@pytest.fixture
def service(monkeypatch):
    with FakeService() as fake:
        monkeypatch.setenv("SERVICE_URL", fake.url)
        yield fake


def make_config(folder=EXAMPLES, prometheus_url=None, **runbook_options) -> Config:
    return Config(
        slack=SlackConfig(incident_channel="#incidents", timezone="Asia/Seoul"),
        prometheus=PrometheusConfig(url=prometheus_url or f"http://127.0.0.1:{free_port()}"),
        runbooks=RunbooksConfig(folder=str(folder), **runbook_options),
    )


@pytest.fixture
def rctx(database, clock, service):
    return Context(database, make_config(prometheus_url=service.url), clock)


def _outbox(ctx, template=None) -> list[OutboxMessage]:
    with ctx.db.reader() as session:
        rows = list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))
    return [r for r in rows if template is None or r.template == template]


def _run(ctx, run_id) -> RunbookRun:
    return runbooks.get_run(ctx, run_id).run


def drive(ctx, clock, *, seconds: float = 10, rounds: int = 12, worker: str = "w1"):
    """Sweep, moving the fake clock between sweeps, until nothing is due any more."""
    for _ in range(rounds):
        runbooks.sweep(ctx, worker)
        clock.advance(seconds=seconds)


# --- qwen_failure_downshift, the guide's automatic runbook -------------------------------


def test_qwen_downshift_confirms_three_times_then_acts_once_each(rctx, clock, service):
    service.models["qwen"] = "unhealthy"
    started = runbooks.start_run(rctx, "qwen_failure_downshift", requested_by="U0ALICE")
    assert started.created and started.run.state == "running"
    run_id = started.run.id

    runbooks.sweep(rctx, "w1")
    assert len(service.calls("GET", "/health/llm")) == 1  # the 2nd check waits 10 s (a timer)
    runbooks.sweep(rctx, "w1")
    assert len(service.calls("GET", "/health/llm")) == 1
    drive(rctx, clock)

    run = _run(rctx, run_id)
    assert run.state == "succeeded", run.error
    checks = service.calls("GET", "/health/llm")
    assert len(checks) == 3 and all(c.query == {"model": "qwen"} for c in checks)
    [breaker] = service.calls("POST", "/admin/circuit-breaker/qwen/open")
    assert breaker.body == {"reason": f"sre-bot qwen_failure_downshift run {run_id}"}
    [downshift] = service.calls("PUT", "/admin/modes/creative")
    assert downshift.body == {"route_to": "balanced"}
    assert len(service.calls("GET", "/admin/modes/balanced")) == 1
    # the order of the guide's steps
    order = [r.path for r in service.requests]
    assert order.index("/admin/circuit-breaker/qwen/open") > max(
        i for i, p in enumerate(order) if p == "/health/llm"
    )
    assert order.index("/admin/modes/creative") < order.index("/admin/modes/balanced")
    # notified, and exactly one Sev2 declared and linked
    [notify] = _outbox(rctx, Template.RUNBOOK_NOTIFY)
    _, row = runbooks.get_step(rctx, run_id, 4)
    assert row.result["oncall"] is True and "Qwen failed 3 health checks" in row.result["text"]
    assert notify.op == "reply" and notify.thread_ref == f"runbook:{run_id}"
    [incident] = incidents.list_incidents(rctx)
    assert incident.severity == "Sev2" and incident.title.startswith("Qwen LLM down")
    assert run.incident_id == incident.id
    # sweeping on (or another replica) does nothing more
    before = len(service.requests)
    drive(rctx, clock, rounds=3, worker="w2")
    assert len(service.requests) == before
    assert len(incidents.list_incidents(rctx)) == 1


def test_qwen_healthy_on_a_check_stops_before_touching_anything(rctx, clock, service):
    service.models["qwen"] = "unhealthy"
    run_id = runbooks.start_run(rctx, "qwen_failure_downshift", requested_by="U1").run.id
    runbooks.sweep(rctx, "w1")
    service.models["qwen"] = "healthy"
    drive(rctx, clock)
    run = _run(rctx, run_id)
    assert run.state == "failed"
    assert "check 2 was healthy" in run.error
    assert service.calls("POST") == [] and service.calls("PUT") == []
    assert incidents.list_incidents(rctx) == []


def test_a_failing_step_stops_the_run_with_the_response_it_got(rctx, clock, service):
    service.models["qwen"] = "unhealthy"
    service.fail("/admin/circuit-breaker/qwen/open", status=500, body='{"error": "breaker stuck"}')
    run_id = runbooks.start_run(rctx, "qwen_failure_downshift", requested_by="U1").run.id
    drive(rctx, clock)
    run = _run(rctx, run_id)
    assert run.state == "failed"
    assert "answered 500" in run.error
    _, row = runbooks.get_step(rctx, run_id, 1)
    assert row.state == "failed" and row.result["status"] == 500
    assert "breaker stuck" in row.result["body"]
    # a 500 on a POST may have been applied: not retried, and nothing after it ran
    assert len(service.calls("POST", "/admin/circuit-breaker/qwen/open")) == 1
    assert service.calls("PUT") == []
    replies = _outbox(rctx, Template.RUNBOOK_STEP)
    assert replies[-1].args == {"run_id": run_id, "index": 1}


def test_a_503_on_a_post_is_retried_because_it_was_not_applied(rctx, clock, service):
    service.models["qwen"] = "unhealthy"
    service.fail("/admin/circuit-breaker/qwen/open", status=503)
    run_id = runbooks.start_run(rctx, "qwen_failure_downshift", requested_by="U1").run.id
    drive(rctx, clock)
    assert _run(rctx, run_id).state == "succeeded"
    assert len(service.calls("POST", "/admin/circuit-breaker/qwen/open")) == 2


def test_dry_run_makes_no_request_and_stores_nothing(rctx, service):
    started = runbooks.start_run(
        rctx, "qwen_failure_downshift", requested_by="U1", dry_run=True
    )
    assert started.run is None and not started.created
    assert [s.kind for s in started.plan] == [
        "health_check", "http", "http", "health_check", "notify", "incident",
    ]
    assert started.plan[0].lines[0] == f"GET {service.url}/health/llm?model=qwen × 3, every 10s"
    assert started.plan[1].lines[0] == f"POST {service.url}/admin/circuit-breaker/qwen/open"
    assert "declare a Sev2 incident" in started.plan[5].lines[0]
    assert service.requests == []
    with rctx.db.reader() as session:
        assert repo.count_runs(session) == 0
    assert _outbox(rctx) == []


def test_a_run_starts_once_per_trigger_whatever_the_concurrency(any_database, clock, service):
    ctx = Context(any_database, make_config(prometheus_url=service.url), clock)
    incident = incidents.create_incident(ctx, title="Qwen down", severity="Sev2", created_by="U1")
    barrier = threading.Barrier(8)

    def press(n: int):
        barrier.wait()
        return runbooks.start_run(
            ctx, "qwen_failure_downshift", requested_by=f"U0P{n}", source_ref=f"incident:{incident.id}"
        )

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(press, range(8)))
    assert sum(r.created for r in results) == 1
    assert len({r.run.id for r in results}) == 1
    run = results[0].run
    assert run.trigger["incident"]["id"] == incident.id
    assert len(_outbox(ctx, Template.RUNBOOK_RUN)) == 1


def test_unknown_runbook_names_the_known_ones(rctx):
    with pytest.raises(NotFound) as raised:
        runbooks.start_run(rctx, "nope", requested_by="U1")
    assert raised.value.key == "runbook.not_found"
    assert "qwen_failure_downshift" in raised.value.params["known"]


def test_runbooks_for_alert_matches_name_and_labels(rctx):
    assert runbooks.runbooks_for_alert(rctx, {"alertname": "QwenModelUnhealthy"}) == [
        "qwen_failure_downshift"
    ]
    assert runbooks.runbooks_for_alert(rctx, {"alertname": "Other"}) == []
