"""The runbook engine on a real database against the loopback fake of the team's service."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from commands.alerts import groups, ingest
from commands.context import Context
from commands.errors import CommandError, Conflict, NotFound
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.notices import Template
from commands.oncall import schedule as oncall
from commands.runbooks import approvals, catalog, engine, runs, states
from storage import runbooks as repo
from storage.models import RunbookRun
from tests.factories import BREAKER_FIRST, outbox_rows, runbook_config


@pytest.fixture
def rctx(database, clock, service):
    return Context(database, runbook_config(prometheus_url=service.url), clock)


def _run(ctx, run_id) -> RunbookRun:
    return runs.get_run(ctx, run_id).run


def drive(ctx, clock, *, seconds: float = 10, rounds: int = 12, worker: str = "w1"):
    """Sweep, moving the fake clock between sweeps, until nothing is due any more."""
    for _ in range(rounds):
        engine.sweep(ctx, worker)
        clock.advance(seconds=seconds)


# --- qwen_failure_downshift, the guide's automatic runbook -------------------------------


def test_qwen_downshift_confirms_three_times_then_acts_once_each(rctx, clock, service):
    service.models["qwen"] = "unhealthy"
    started = runs.start_run(rctx, "qwen_failure_downshift", requested_by="U0ALICE")
    assert started.created and started.run.state == "running"
    run_id = started.run.id

    engine.sweep(rctx, "w1")
    assert len(service.calls("GET", "/health/llm")) == 1  # the 2nd check waits 10 s (a timer)
    engine.sweep(rctx, "w1")
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
    [notify] = outbox_rows(rctx, Template.RUNBOOK_NOTIFY)
    _, row = runs.get_step(rctx, run_id, 4)
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
    run_id = runs.start_run(rctx, "qwen_failure_downshift", requested_by="U1").run.id
    engine.sweep(rctx, "w1")
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
    run_id = runs.start_run(rctx, "qwen_failure_downshift", requested_by="U1").run.id
    drive(rctx, clock)
    run = _run(rctx, run_id)
    assert run.state == "failed"
    assert "answered 500" in run.error
    _, row = runs.get_step(rctx, run_id, 1)
    assert row.state == "failed" and row.result["status"] == 500
    assert "breaker stuck" in row.result["body"]
    # a 500 on a POST may have been applied: not retried, and nothing after it ran
    assert len(service.calls("POST", "/admin/circuit-breaker/qwen/open")) == 1
    assert service.calls("PUT") == []
    replies = outbox_rows(rctx, Template.RUNBOOK_STEP)
    assert replies[-1].args == {"run_id": run_id, "index": 1}


def test_a_503_on_a_post_is_retried_because_it_was_not_applied(rctx, clock, service):
    service.models["qwen"] = "unhealthy"
    service.fail("/admin/circuit-breaker/qwen/open", status=503)
    run_id = runs.start_run(rctx, "qwen_failure_downshift", requested_by="U1").run.id
    drive(rctx, clock)
    assert _run(rctx, run_id).state == "succeeded"
    assert len(service.calls("POST", "/admin/circuit-breaker/qwen/open")) == 2


def test_dry_run_makes_no_request_and_stores_nothing(rctx, service):
    started = runs.start_run(rctx, "qwen_failure_downshift", requested_by="U1", dry_run=True)
    assert started.run is None and not started.created
    assert [s.kind for s in started.plan] == [
        "health_check",
        "http",
        "http",
        "health_check",
        "notify",
        "incident",
    ]
    assert started.plan[0].lines[0] == f"GET {service.url}/health/llm?model=qwen × 3, every 10s"
    assert started.plan[1].lines[0] == f"POST {service.url}/admin/circuit-breaker/qwen/open"
    assert "declare a Sev2 incident" in started.plan[5].lines[0]
    assert service.requests == []
    with rctx.db.reader() as session:
        assert repo.count_runs(session) == 0
    assert outbox_rows(rctx) == []


def test_a_run_starts_once_per_trigger_whatever_the_concurrency(any_database, clock, service):
    ctx = Context(any_database, runbook_config(prometheus_url=service.url), clock)
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="Qwen down", severity="Sev2", created_by="U1")
    )
    barrier = threading.Barrier(8)

    def press(n: int):
        barrier.wait()
        return runs.start_run(
            ctx,
            "qwen_failure_downshift",
            requested_by=f"U0P{n}",
            source_ref=f"incident:{incident.id}",
        )

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(press, range(8)))
    assert sum(r.created for r in results) == 1
    assert len({r.run.id for r in results}) == 1
    run = results[0].run
    assert run.trigger["incident"]["id"] == incident.id
    assert len(outbox_rows(ctx, Template.RUNBOOK_RUN)) == 1


def test_unknown_runbook_names_the_known_ones(rctx):
    with pytest.raises(NotFound) as raised:
        runs.start_run(rctx, "nope", requested_by="U1")
    assert raised.value.key == "runbook.not_found"
    assert "qwen_failure_downshift" in raised.value.params["known"]


def test_runbooks_for_alert_matches_name_and_labels(rctx):
    assert catalog.runbooks_for_alert(rctx, {"alertname": "QwenModelUnhealthy"}) == [
        "qwen_failure_downshift"
    ]
    assert catalog.runbooks_for_alert(rctx, {"alertname": "Other"}) == []


# --- approval ----------------------------------------------------------------------------

RL = "rl_reward_runaway_rollback"
LEAD, ML_LEAD = "U0SRELEAD", "U0MLLEAD"


def _request_rl(ctx, by="U0ALICE"):
    started = runs.start_run(ctx, RL, requested_by=by, source_ref=None)
    assert started.created and started.run.state == "awaiting_approval"
    return started.run


def test_approval_runbook_does_nothing_until_an_approver_approves(rctx, clock, service):
    run = _request_rl(rctx)
    drive(rctx, clock, rounds=3)
    assert service.requests == []
    with pytest.raises(CommandError) as refused:
        approvals.decide(rctx, run.id, -1, "U0STRANGER", approve=True)
    assert refused.value.key == "runbook.not_approver"
    assert service.requests == []
    decision = approvals.decide(rctx, run.id, -1, LEAD, approve=True)
    assert decision.won and decision.approval.decided_by == LEAD
    drive(rctx, clock, seconds=20)
    assert _run(rctx, run.id).state == "succeeded", _run(rctx, run.id).error
    assert [r.path for r in service.calls("POST")] == [
        "/admin/rl/training/pause",
        "/admin/rl/rollback",
        "/admin/rl/training/resume",
    ]
    assert service.calls("POST", "/admin/rl/rollback")[0].body == {"checkpoint": "last_good"}
    [incident] = incidents.list_incidents(rctx)
    assert incident.severity == "Sev2"


def test_rejected_run_never_makes_a_request(rctx, clock, service):
    run = _request_rl(rctx)
    decision = approvals.decide(rctx, run.id, -1, ML_LEAD, approve=False)
    assert decision.won and _run(rctx, run.id).state == "rejected"
    late = approvals.decide(rctx, run.id, -1, LEAD, approve=True)
    assert not late.won and late.approval.state == "rejected"
    drive(rctx, clock, rounds=3)
    assert service.requests == []


def test_two_person_rule_refuses_the_requesters_own_approval(rctx, clock, service):
    run = _request_rl(rctx, by=LEAD)
    with pytest.raises(CommandError) as refused:
        approvals.decide(rctx, run.id, -1, LEAD, approve=True)
    assert refused.value.key == "runbook.two_person"
    assert _run(rctx, run.id).state == "awaiting_approval"
    assert approvals.decide(rctx, run.id, -1, ML_LEAD, approve=True).won


def test_user_group_approvers_are_asked_through_the_resolver(rctx, clock, service):
    run = _request_rl(rctx)
    members = {"S0SREONCALL": {"U0ONCALL"}}

    def in_group(group, user):
        return user in members.get(group, set())

    with pytest.raises(CommandError):
        approvals.decide(rctx, run.id, -1, "U0OTHER", approve=True, in_group=in_group)

    def broken(group, user):
        raise RuntimeError("Slack is down")

    with pytest.raises(CommandError):  # a failed look-up never grants
        approvals.decide(rctx, run.id, -1, "U0ONCALL", approve=True, in_group=broken)
    assert approvals.decide(rctx, run.id, -1, "U0ONCALL", approve=True, in_group=in_group).won


def test_approvals_expire_and_the_run_never_starts(rctx, clock, service):
    run = _request_rl(rctx)
    clock.advance(minutes=29)
    engine.sweep(rctx, "w1")
    assert _run(rctx, run.id).state == "awaiting_approval"
    clock.advance(minutes=1)
    engine.sweep(rctx, "w1")
    assert _run(rctx, run.id).state == "expired"
    with pytest.raises(Conflict) as late:
        approvals.decide(rctx, run.id, -1, LEAD, approve=True)
    assert late.value.key == "runbook.approval_expired"
    drive(rctx, clock, rounds=3)
    assert service.requests == []
    events = [m.args["event"] for m in outbox_rows(rctx, Template.RUNBOOK_EVENT)]
    assert events == ["expired"]
    # the run message is refreshed so its buttons go away
    assert outbox_rows(rctx, Template.RUNBOOK_RUN)[-1].op == "update"


def test_an_expired_run_can_be_requested_again(rctx, clock):
    source = (
        "incident:"
        + incidents.create_incident(
            rctx, IncidentDraft(title="RL", severity="Sev2", created_by="U1")
        ).id
    )
    first = runs.start_run(rctx, RL, requested_by="U0ALICE", source_ref=source).run
    again = runs.start_run(rctx, RL, requested_by="U0ALICE", source_ref=source)
    assert not again.created and again.run.id == first.id
    clock.advance(minutes=31)
    approvals.expire_approvals(rctx)
    retry = runs.start_run(rctx, RL, requested_by="U0ALICE", source_ref=source)
    assert retry.created and retry.run.id != first.id


def test_concurrent_approve_presses_run_it_once(any_database, clock, service):
    ctx = Context(any_database, runbook_config(prometheus_url=service.url), clock)
    run = _request_rl(ctx)
    barrier = threading.Barrier(6)

    def press(n: int):
        barrier.wait()
        user = (LEAD, ML_LEAD)[n % 2]
        return approvals.decide(ctx, run.id, -1, user, approve=n != 5)

    with ThreadPoolExecutor(6) as pool:
        decisions = list(pool.map(press, range(6)))
    assert sum(d.won for d in decisions) == 1
    winner = next(d for d in decisions if d.won)
    assert all(d.approval.decided_by == winner.approval.decided_by for d in decisions)

    # two replicas sweep at the same moments; time moves between the sweeps
    for _ in range(8):
        together = threading.Barrier(2)

        def sweep(worker, together=together):
            together.wait()
            engine.sweep(ctx, worker)

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(sweep, ["replica-a", "replica-b"]))
        clock.advance(seconds=20)
    if winner.approval.state == "approved":
        assert len(service.calls("POST", "/admin/rl/rollback")) == 1
        assert len(incidents.list_incidents(ctx)) == 1
    else:
        assert service.requests == []


# --- restart mid-run ------------------------------------------------------------------------


@pytest.fixture
def crash_ctx(database, clock, service, tmp_path):
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "breaker_first.yml").write_text(BREAKER_FIRST, encoding="utf-8")
    return Context(database, runbook_config(folder), clock)


def _died_mid_step(ctx, clock, run_id, *, index=0, kind="http"):
    """What kill -9 leaves behind: the step marked started, the claim of a dead process."""
    from storage.models import RunbookStep

    now = clock.now()
    with ctx.db.session() as session:
        assert repo.claim_run(session, run_id, "dead-worker", now, now + timedelta(seconds=40))
        session.add(
            RunbookStep(
                run_id=run_id,
                index=index,
                name="step",
                kind=kind,
                state="started",
                attempts=1,
                idempotency_key=f"run:{run_id}:step:{index}",
                result={},
                started_at=now,
            )
        )


def test_kill_mid_step_shows_interrupted_and_never_repeats_silently(crash_ctx, clock, service):
    ctx = crash_ctx
    run_id = runs.start_run(ctx, "breaker_first", requested_by="U1").run.id
    _died_mid_step(ctx, clock, run_id)
    engine.sweep(ctx, "w2")  # the dead process's lease still runs: nobody touches it
    assert _run(ctx, run_id).state == "running"
    clock.advance(seconds=41)
    drive(ctx, clock, rounds=3, worker="w2")
    run = _run(ctx, run_id)
    assert run.state == "interrupted" and run.step_index == 0
    assert service.calls("POST") == []  # the POST was not sent again by itself
    [event] = outbox_rows(ctx, Template.RUNBOOK_EVENT)
    assert event.args["event"] == "interrupted"
    assert approvals.resume(ctx, run_id, "U1").state == "running"
    with pytest.raises(Conflict):  # a second press finds it running
        approvals.resume(ctx, run_id, "U1")
    drive(ctx, clock)
    assert _run(ctx, run_id).state == "succeeded"
    assert len(service.calls("POST", "/admin/circuit-breaker/qwen/open")) == 1


def test_abandon_ends_an_interrupted_run(crash_ctx, clock, service):
    ctx = crash_ctx
    run_id = runs.start_run(ctx, "breaker_first", requested_by="U1").run.id
    _died_mid_step(ctx, clock, run_id)
    clock.advance(seconds=41)
    engine.sweep(ctx, "w2")
    run = approvals.abandon(ctx, run_id, "U0BOB")
    assert run.state == "abandoned" and run.finished_by == "U0BOB"
    with pytest.raises(Conflict):
        approvals.resume(ctx, run_id, "U0BOB")
    drive(ctx, clock, rounds=3)
    assert service.calls("POST") == []


def test_a_health_check_in_flight_at_a_crash_is_simply_checked_again(rctx, clock, service):
    service.models["qwen"] = "unhealthy"
    run_id = runs.start_run(rctx, "qwen_failure_downshift", requested_by="U1").run.id
    _died_mid_step(rctx, clock, run_id, kind="health_check")
    clock.advance(seconds=41)
    drive(rctx, clock)
    assert _run(rctx, run_id).state == "succeeded"


# --- started from alerts ------------------------------------------------------------------


def _fire_qwen(ctx, status: str = "firing"):
    from commands.alerts.payloads import parse
    from tests.alerting import alert, iso, webhook

    qwen = alert(
        "llm-1",
        alertname="QwenModelUnhealthy",
        status=status,
        starts=iso(ctx.clock.now()),
        labels={"model": "qwen"},
        annotations={"runbook": "qwen_failure_downshift"},
    )
    payload = webhook(
        [qwen],
        group_key='{}:{alertname="QwenModelUnhealthy"}',
        common_labels={"alertname": "QwenModelUnhealthy", "severity": "critical", "model": "qwen"},
        common_annotations={"runbook": "qwen_failure_downshift"},
    )
    return ingest.ingest(ctx, parse(payload, "alertmanager"))


def _runs(ctx) -> list[RunbookRun]:
    with ctx.db.reader() as session:
        return list(session.exec(select(RunbookRun).order_by(RunbookRun.id)))


def test_an_alert_matching_a_trigger_starts_its_runbook_once_per_firing_episode(rctx, clock):
    group_id = _fire_qwen(rctx).group_id
    _fire_qwen(rctx)  # Alertmanager re-sends the same notification
    [run] = _runs(rctx)
    assert (run.runbook, run.source_ref, run.requested_by) == (
        "qwen_failure_downshift",
        f"alert:{group_id}",
        states.BOT_ACTOR,
    )
    assert run.trigger["labels"]["model"] == "qwen"
    assert run.trigger["alert"] == {
        "name": "QwenModelUnhealthy",
        "group_id": group_id,
        "severity": "Sev2",
        "status": "firing",
    }
    clock.advance(minutes=5)
    _fire_qwen(rctx, status="resolved")
    assert len(_runs(rctx)) == 1
    clock.advance(minutes=30)
    _fire_qwen(rctx)  # fires again: a new episode, a new run
    assert len(_runs(rctx)) == 2


def test_the_alert_thread_offers_the_runbook_its_annotation_names(rctx):

    group_id = _fire_qwen(rctx).group_id
    assert groups.group_snapshot(rctx, group_id).runbooks == ["qwen_failure_downshift"]


def test_run_runbook_from_an_alert_gets_the_alerts_labels_as_trigger_data(rctx):
    from commands.alerts.payloads import parse
    from tests.alerting import alert, webhook

    payload = webhook(
        [alert("api-1", alertname="ApiSlow", labels={"model": "fast"})], alertname="ApiSlow"
    )
    group_id = ingest.ingest(rctx, parse(payload, "alertmanager")).group_id
    assert _runs(rctx) == []  # no runbook is triggered by ApiSlow
    started = runs.start_run(
        rctx, "api_high_latency_scaleup", requested_by="U0ALICE", source_ref=f"alert:{group_id}"
    )
    assert started.run.trigger["labels"]["alertname"] == "ApiSlow"
    assert started.run.trigger["alert"]["group_id"] == group_id


def test_a_notify_step_names_the_person_on_call_when_it_runs(database, clock, service):
    from commands.oncall.config import OnCallConfig

    config = runbook_config(prometheus_url=service.url).model_copy(
        update={"oncall": OnCallConfig(members=["U0KIM", "U0PARK"], start="2026-01-02")}
    )
    ctx = Context(database, config, clock)
    service.models["qwen"] = "unhealthy"
    run_id = runs.start_run(ctx, "qwen_failure_downshift", requested_by="U0ALICE").run.id
    drive(ctx, clock)
    assert _run(ctx, run_id).state == "succeeded"
    with ctx.db.reader() as session:
        from storage.models import RunbookStep

        [notify] = session.exec(select(RunbookStep).where(RunbookStep.kind == "notify")).all()
    assert notify.result["oncall"] is True
    # Whoever was on call when the step ran (the run may cross a handoff).
    assert notify.result["oncall_user"] == oncall.who_is_on_call(ctx, notify.started_at).primary
    assert notify.result["oncall_user"] in ("U0KIM", "U0PARK")


# --- inputs that try to steer a request -----------------------------------------------------

BREAKER_BY_LABEL = """
name: breaker_by_label
description: Opens the breaker of the model the alert names.
automation: auto
steps:
  - name: Open the breaker
    kind: http
    method: POST
    url: ${SERVICE_URL}/admin/circuit-breaker/{{ labels.model }}/open
    headers: {Authorization: Bearer admin-token}
"""


@pytest.mark.parametrize("model", ["..", ".", " .. "])
def test_a_label_cannot_climb_out_of_the_url_path(database, clock, service, tmp_path, model):
    """With `model=..` the URL became POST /admin/open, carrying the admin token."""
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "breaker_by_label.yml").write_text(BREAKER_BY_LABEL, encoding="utf-8")
    ctx = Context(database, runbook_config(folder), clock)
    trigger = {"labels": {"model": model}}
    run_id = runs.start_run(ctx, "breaker_by_label", requested_by="U1", trigger=trigger).run.id
    drive(ctx, clock)
    run = _run(ctx, run_id)
    assert run.state == "failed" and "refused" in run.error
    assert service.requests == []


def test_a_label_is_one_path_segment_whatever_it_holds(database, clock, service, tmp_path):
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "breaker_by_label.yml").write_text(BREAKER_BY_LABEL, encoding="utf-8")
    ctx = Context(database, runbook_config(folder), clock)
    trigger = {"labels": {"model": "../../open?all=1#x"}}
    runs.start_run(ctx, "breaker_by_label", requested_by="U1", trigger=trigger)
    drive(ctx, clock)
    assert [c.path for c in service.requests] == [
        "/admin/circuit-breaker/..%2F..%2Fopen%3Fall%3D1%23x/open"
    ]


def test_alert_labels_reach_templates_cut_to_size_and_without_control_characters():
    from commands.runbooks.plans import LABEL_MAX, template_data

    data = template_data(
        1,
        "x",
        {
            "labels": {"model": "qwen\r\nX-Admin: 1\x00", "pad": "p" * 10_000},
            "annotations": {"summary": "line one\nline two\x1b[31m"},
        },
    )
    assert data["labels"]["model"] == "qwen X-Admin: 1"
    assert len(data["labels"]["pad"]) == LABEL_MAX
    assert data["annotations"]["summary"] == "line one\nline two[31m"
