"""The step engine: a sweep claims a due run and carries its steps out, each recorded
`started` before it acts and with its outcome after."""

import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from commands.context import Context
from commands.notices import Template
from commands.runbooks import steps as steps_
from commands.runbooks.announce import announce, owe_reply, owe_run_message
from commands.runbooks.approvals import expire_approvals
from commands.runbooks.bot_steps import row_for, tick_incident, tick_notify
from commands.runbooks.plans import template_data
from commands.runbooks.runs import add_approval, end_run, step_done
from commands.runbooks.secrets import mask, secrets_of
from commands.runbooks.spec import (
    ApprovalStep,
    CommandStep,
    HealthCheckStep,
    HttpStep,
    IncidentStep,
    NotifyStep,
    PromqlStep,
    Runbook,
    WaitStep,
    idempotent,
    parse_runbook,
)
from commands.runbooks.states import CLAIM_MARGIN, RunState, StepState
from commands.runbooks.templates import TemplateError
from storage import runbooks as repo
from storage.models import RunbookRun, RunbookStep

log = logging.getLogger(__name__)


# --- the engine ------------------------------------------------------------------------------


def sweep(ctx: Context, worker: str, *, limit: int = 20, budget_seconds: float = 20.0) -> int:
    """Expire approvals, then carry out every due run this worker can claim. Safe to run in
    several replicas at once: each run is claimed by one of them."""
    expire_approvals(ctx)
    with ctx.db.reader() as session:
        due = repo.due_runs(session, ctx.clock.now(), limit)
    return sum(advance(ctx, run_id, worker, budget_seconds=budget_seconds) for run_id in due)


def advance(ctx: Context, run_id: int, worker: str, *, budget_seconds: float = 20.0) -> bool:
    """Claim the run if it is due and carry it as far as it goes now; False if not claimed."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        if not repo.claim_run(session, run_id, worker, now, now + CLAIM_MARGIN):
            return False
    try:
        _drive(ctx, run_id, worker, budget_seconds)
    finally:
        with ctx.db.session() as session:
            repo.release_claim(session, run_id, worker)
    return True


def _drive(ctx: Context, run_id: int, worker: str, budget_seconds: float) -> None:
    started = time.monotonic()
    while True:
        with ctx.db.reader() as session:
            run = repo.get_run(session, run_id)
            if run is None or run.state != RunState.RUNNING or run.claimed_by != worker:
                return
            row = repo.step(session, run_id, run.step_index)
        try:
            runbook = parse_runbook(run.spec)
        except KeyError as missing:
            _finish(ctx, run, RunState.FAILED, f"environment variable {missing.args[0]} is not set")
            return
        if run.step_index >= len(runbook.steps):
            _finish(ctx, run, RunState.SUCCEEDED, None)
            return
        step = runbook.steps[run.step_index]
        if row is not None and row.state == "started" and not idempotent(step):
            _interrupt(ctx, run, row)
            return
        if not _tick(ctx, run, runbook, step, row, worker):
            return
        if time.monotonic() - started > budget_seconds:
            return  # let the next sweep carry on (the run is still due)


def _tick(
    ctx: Context, run: RunbookRun, runbook: Runbook, step: Any, row: RunbookStep | None, worker: str
) -> bool:
    """One tick of the current step. True: go on with the next step now."""
    now = ctx.clock.now()
    data = template_data(run.id, run.runbook, run.trigger)
    if isinstance(step, WaitStep):
        return _tick_wait(ctx, run, step, row, now)
    if isinstance(step, NotifyStep):
        return tick_notify(ctx, run, step, row, data, now)
    if isinstance(step, IncidentStep):
        return tick_incident(ctx, run, step, row, data, now)
    if isinstance(step, ApprovalStep):
        return _tick_approval(ctx, run, runbook, step, row, now)
    budget = _step_budget(step)
    with ctx.db.session() as session:
        if not repo.extend_claim(session, run.id, worker, now + budget + CLAIM_MARGIN):
            return False
        row = row_for(session, run, step, row, now, "started")
    prior = dict(row.result or {})
    try:
        if isinstance(step, HttpStep):
            outcome = steps_.run_http(step, data, prior, now)
        elif isinstance(step, HealthCheckStep):
            outcome = steps_.run_health_check(step, data, prior, now)
        elif isinstance(step, PromqlStep):
            outcome = steps_.run_promql(step, data, ctx.config.prometheus.url, now)
        elif isinstance(step, CommandStep):
            if not ctx.config.runbooks.allow_commands:
                outcome = steps_.Outcome(
                    StepState.FAILED,
                    {"error": "command steps are off"},
                    detail="command steps are off",
                )
            else:
                outcome = steps_.run_command(step, data, now)
        else:  # pragma: no cover - the spec's union is exhaustive
            raise AssertionError(step.kind)
    except TemplateError as exc:
        outcome = steps_.Outcome(StepState.FAILED, {**prior, "error": str(exc)}, detail=str(exc))
    return _record(ctx, run, row, outcome)


def _step_budget(step: Any) -> timedelta:
    if isinstance(step, HttpStep):
        return timedelta(seconds=step.timeout)
    if isinstance(step, HealthCheckStep | PromqlStep | CommandStep):
        return timedelta(seconds=step.timeout)
    return timedelta(seconds=10)


def _record(ctx: Context, run: RunbookRun, row: RunbookStep, outcome: steps_.Outcome) -> bool:
    now = ctx.clock.now()
    secrets = secrets_of(run.spec)  # what is stored and shown never holds them
    outcome = replace(
        outcome, result=mask(outcome.result, secrets), detail=mask(outcome.detail, secrets)
    )
    with ctx.db.session() as session:
        if outcome.state == "waiting":
            repo.set_step(session, row.id, ("started",), state="waiting", result=outcome.result)
            repo.set_run(session, run.id, (RunState.RUNNING,), next_at=outcome.at, updated_at=now)
            owe_run_message(session, run, now, create=False)
            return False
        if not repo.set_step(
            session,
            row.id,
            ("started",),
            state=outcome.state,
            result=outcome.result,
            finished_at=now,
        ):
            return False
        timeline = {"step": row.name, "outcome": outcome.state, "detail": outcome.detail[:500]}
        owe_reply(ctx, session, run, Template.RUNBOOK_STEP, now, timeline=timeline, index=row.index)
        if outcome.state == StepState.SUCCEEDED:
            step_done(session, run, row.index, now)
            return True
        end_run(ctx, session, run, RunState.FAILED, f"{row.name}: {outcome.detail}"[:2000], now)
        return False


def _tick_wait(
    ctx: Context, run: RunbookRun, step: WaitStep, row: RunbookStep | None, now: datetime
) -> bool:
    with ctx.db.session() as session:
        if row is None:
            until = now + timedelta(seconds=step.duration)
            row = row_for(session, run, step, None, now, "waiting")
            repo.set_step(session, row.id, None, result={"until": until.isoformat()})
            repo.set_run(session, run.id, (RunState.RUNNING,), next_at=until, updated_at=now)
            owe_run_message(session, run, now, create=False)
            return False
        until = datetime.fromisoformat(str(row.result.get("until")))
        if now < until:
            repo.set_run(session, run.id, (RunState.RUNNING,), next_at=until)
            return False
        repo.set_step(session, row.id, None, state=RunState.SUCCEEDED, finished_at=now)
        step_done(session, run, row.index, now)
        return True


def _tick_approval(
    ctx: Context,
    run: RunbookRun,
    runbook: Runbook,
    step: ApprovalStep,
    row: RunbookStep | None,
    now: datetime,
) -> bool:
    with ctx.db.session() as session:
        row = row_for(session, run, step, row, now, "waiting")
        if repo.approval(session, run.id, row.index) is None:
            timeout = step.timeout or runbook.approval_timeout
            add_approval(session, run, row.index, now, timeout)
        awaiting = {"state": RunState.AWAITING, "next_at": None, "updated_at": now}
        repo.set_run(session, run.id, (RunState.RUNNING,), **awaiting)
        announce(ctx, session, run.id, now, "approval_needed", step=row.name)
    return False


def _finish(ctx: Context, run: RunbookRun, state: str, error: str | None) -> None:
    with ctx.db.session() as session:
        end_run(ctx, session, run, state, error, ctx.clock.now())


def _interrupt(ctx: Context, run: RunbookRun, row: RunbookStep) -> None:
    """The process running this step died before recording what happened: stop here and
    let a person decide (Resume runs the step again, Abandon ends the run)."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        stopped = {"state": RunState.INTERRUPTED, "next_at": None, "updated_at": now}
        unclaimed = {"claimed_by": None, "claimed_until": None}
        if not repo.set_run(session, run.id, (RunState.RUNNING,), **stopped, **unclaimed):
            return
        repo.set_step(session, row.id, ("started",), state=RunState.INTERRUPTED)
        announce(ctx, session, run.id, now, "interrupted", step=row.name)
