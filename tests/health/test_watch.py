"""The health watch against the fake service: N failures in a row start the runbook once
per failure episode, the recovery is posted, and `/health` shows the guide's fields."""

import pytest

from bot.i18n import Translator
from bot.slack.health import views
from commands.context import Context
from commands.health import watch as health_watch
from commands.health.config import HealthTarget
from commands.incidents import lifecycle as incidents
from commands.notices import Template
from commands.runbooks import engine, runs
from commands.validation import Expect
from tests.factories import outbox_rows, runbook_config


@pytest.fixture
def hctx(database, clock, service):
    config = runbook_config(prometheus_url=service.url).model_copy(
        update={
            "health": [
                HealthTarget(
                    name="qwen",
                    url=f"{service.url}/health/llm?model=qwen",
                    interval_seconds=30,
                    expect=Expect(status=200, json=["status == healthy"]),
                    runbook="qwen_failure_downshift",
                ),
                HealthTarget(name="all", url=f"{service.url}/health/llm/all", interval_seconds=30),
            ]
        }
    )
    return Context(database, config, clock)


@pytest.fixture
def service(monkeypatch):
    from tests.fakes.service import FakeService

    with FakeService() as fake:
        monkeypatch.setenv("SERVICE_URL", fake.url)
        yield fake


def _qwen_checks(service):
    return len([r for r in service.calls("GET", "/health/llm")])


def test_three_failures_start_the_runbook_once_and_recovery_is_posted(hctx, clock, service):
    ctx = hctx
    assert health_watch.sweep(ctx, "a") == 5  # 2 targets and the examples' 3 PromQL triggers
    assert health_watch.sweep(ctx, "b") == 0  # not due again within the interval
    service.models["qwen"] = "unhealthy"
    for _ in range(2):
        clock.advance(seconds=30)
        health_watch.sweep(ctx, "a")
    assert runs.recent_runs(ctx) == []
    clock.advance(seconds=30)
    health_watch.sweep(ctx, "b")
    [run] = runs.recent_runs(ctx)
    assert run.runbook == "qwen_failure_downshift" and run.source_ref == "health:qwen:1"
    assert run.trigger["health"]["target"] == "qwen"
    [down] = [m for m in outbox_rows(ctx, Template.HEALTH_CHANGE) if m.op == "post"]
    assert down.ref == "health:qwen:1" and down.channel == "#alerts"
    # still failing: the same episode starts nothing more
    for _ in range(3):
        clock.advance(seconds=30)
        health_watch.sweep(ctx, "a")
    assert len(runs.recent_runs(ctx)) == 1
    # recovery: posted in the episode's thread
    service.models["qwen"] = "healthy"
    clock.advance(seconds=30)
    health_watch.sweep(ctx, "a")
    changes = [(m.op, m.args["change"]) for m in outbox_rows(ctx, Template.HEALTH_CHANGE)]
    assert changes == [("post", "down"), ("reply", "recovered"), ("update", "down")]
    # a new episode starts the runbook again, once
    service.models["qwen"] = "unhealthy"
    for _ in range(3):
        clock.advance(seconds=30)
        health_watch.sweep(ctx, "b")
    assert [r.source_ref for r in runs.recent_runs(ctx)] == ["health:qwen:2", "health:qwen:1"]


def test_the_triggered_run_confirms_and_downshifts(hctx, clock, service):
    ctx = hctx
    service.models["qwen"] = "unhealthy"
    for _ in range(3):
        health_watch.sweep(ctx, "a")
        clock.advance(seconds=30)
    for _ in range(6):
        engine.sweep(ctx, "a")
        clock.advance(seconds=10)
    [run] = runs.recent_runs(ctx)
    assert runs.get_run(ctx, run.id).run.state == "succeeded"
    assert service.breakers == {"qwen": "open"} and service.routes == {"creative": "balanced"}
    assert len(incidents.list_incidents(ctx)) == 1


def test_health_status_shows_the_guides_fields(hctx, clock, service):
    service.models["qwen"] = "unhealthy"
    health_watch.sweep(hctx, "a")
    t = Translator("en")
    first = views.health_status(health_watch.status(hctx), t)
    assert "*qwen* — failing" in str(first["blocks"]) and "1/3 failures in a row" in str(first)
    for _ in range(2):
        clock.advance(seconds=30)
        health_watch.sweep(hctx, "a")
    message = views.health_status(health_watch.status(hctx), t)
    text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert "*qwen* — unhealthy" in text
    assert "Model qwen: unhealthy · loaded ✓ · inference ready ✗" in text
    assert "CUDA out of memory" in text and "HTTP 503" in text
    assert "Models: 2 healthy, 0 degraded, 1 unhealthy of 3" in text
    assert "GPU available ✓" in text
    ko = views.health_status(health_watch.status(hctx), Translator("ko"))
    assert "비정상" in str(ko["blocks"])


def test_a_target_that_does_not_answer_counts_as_failing(database, clock):
    from tests.conftest import free_port

    config = runbook_config().model_copy(
        update={
            "health": [
                HealthTarget(
                    name="gone",
                    url=f"http://127.0.0.1:{free_port()}/health",
                    failures=2,
                    interval_seconds=5,
                )
            ]
        }
    )
    ctx = Context(database, config, clock)
    health_watch.sweep(ctx, "a")
    clock.advance(seconds=5)
    health_watch.sweep(ctx, "a")
    [item] = [s for s in health_watch.status(ctx) if s.watch.kind == "health"]
    assert item.state.state == "unhealthy" and "connection refused" in item.state.last_error
