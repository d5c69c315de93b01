"""Starting a run (once per trigger) and reading runs."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from commands.context import Context
from commands.errors import NotFound
from commands.incidents import lifecycle as incidents
from commands.runbooks.announce import announce, owe_run_message
from commands.runbooks.catalog import get_runbook
from commands.runbooks.plans import PlannedStep, parse, plan, template_data, trigger_data
from commands.runbooks.spec import Runbook
from commands.runbooks.states import ACTIVE, BOT_ACTOR, START_GATE, RunState
from storage import runbooks as repo
from storage.models import RunbookApproval, RunbookRun, RunbookStep

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunStart:
    runbook: Runbook
    run: RunbookRun | None = None
    created: bool = False
    plan: list[PlannedStep] = field(default_factory=list)


def start_run(
    ctx: Context,
    name: str,
    *,
    requested_by: str,
    source_ref: str | None = None,
    trigger: dict[str, Any] | None = None,
    dry_run: bool = False,
    channel: str | None = None,
    key: str | None = None,
) -> RunStart:
    """Start the runbook (or, with `dry_run`, only plan it: nothing is performed or stored).

    A run starts once per key: by default the runbook and the alert or incident it was
    started from, so double clicks, Slack retries and replicas find the same run. A run
    that failed or was turned down may be started again; a new key is then used."""
    loaded = get_runbook(ctx, name)
    runbook = loaded.runbook
    data = trigger_data(ctx, source_ref, trigger)
    if dry_run:
        resolved = parse(loaded.raw)
        return RunStart(
            resolved, plan=plan(resolved, loaded.raw, template_data(None, name, data), ctx)
        )
    parse(loaded.raw)  # an unset ${VARIABLE} is refused now, not half-way through the run
    base = key or (
        f"{runbook.name}@{source_ref}" if source_ref else f"{runbook.name}@{uuid.uuid4().hex}"
    )
    incident_id = (
        source_ref.split(":", 1)[1] if source_ref and source_ref.startswith("incident:") else None
    )
    now = ctx.clock.now()
    with ctx.db.session() as session:
        latest, count = repo.latest_by_base(session, base)
        if latest is not None and latest.state in (*ACTIVE, RunState.SUCCEEDED):
            return RunStart(runbook, latest, created=False)
        run = RunbookRun(
            key=base if count == 0 else f"{base}#{count + 1}",
            base_key=base,
            runbook=runbook.name,
            spec=loaded.raw,
            trigger=data,
            state=RunState.RUNNING if runbook.automation == "auto" else RunState.AWAITING,
            requested_by=requested_by[:120] or BOT_ACTOR,
            source_ref=source_ref,
            channel=channel or runbook.channel or ctx.config.runbook_channel(),
            incident_id=incident_id,
            step_index=0,
            next_at=now if runbook.automation == "auto" else None,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                repo.add_run(session, run)
        except IntegrityError:
            existing = repo.run_by_key(session, run.key)
            if existing is None:
                raise
            return RunStart(runbook, existing, created=False)
        if runbook.automation == "approval":
            add_approval(session, run, START_GATE, now, runbook.approval_timeout)
        owe_run_message(session, run, now, create=True)
        if run.incident_id:
            incidents.record_runbook_event(
                ctx,
                session,
                run.incident_id,
                actor=requested_by or BOT_ACTOR,
                data={"runbook": run.runbook, "run_id": run.id, "event": "started"},
            )
    return RunStart(runbook, run, created=True)


def add_approval(
    session: Session, run: RunbookRun, gate: int, now: datetime, timeout_seconds: float
) -> RunbookApproval:
    return repo.add_approval(
        session,
        RunbookApproval(
            run_id=run.id,
            gate=gate,
            state="pending",
            requested_by=run.requested_by,
            requested_at=now,
            expires_at=now + timedelta(seconds=timeout_seconds),
        ),
    )


@dataclass(frozen=True)
class RunView:
    run: RunbookRun
    steps: list[RunbookStep]
    approval: RunbookApproval | None  # the pending one, or the last decided one
    step_names: list[tuple[str, str]]  # (name, kind) of every step of the runbook


def _step_names(spec: dict[str, Any]) -> list[tuple[str, str]]:
    names = []
    for index, raw in enumerate(spec.get("steps") or []):
        kind = str(raw.get("kind", "?")) if isinstance(raw, dict) else "?"
        name = raw.get("name") if isinstance(raw, dict) else None
        names.append((str(name or f"{kind} {index + 1}"), kind))
    return names


def get_run(ctx: Context, run_id: int) -> RunView:
    with ctx.db.reader() as session:
        run = repo.get_run(session, run_id)
        if run is None:
            raise NotFound("runbook.run_not_found", id=run_id)
        approval = repo.pending_approval(session, run_id)
        if approval is None:
            gates = [repo.approval(session, run_id, g) for g in (run.step_index, START_GATE)]
            approval = next((g for g in gates if g is not None), None)
        return RunView(run, repo.steps(session, run_id), approval, _step_names(run.spec))


def get_step(ctx: Context, run_id: int, index: int) -> tuple[RunbookRun, RunbookStep | None]:
    with ctx.db.reader() as session:
        run = repo.get_run(session, run_id)
        if run is None:
            raise NotFound("runbook.run_not_found", id=run_id)
        return run, repo.step(session, run_id, index)


def recent_runs(ctx: Context, *, active_only: bool = False, limit: int = 20) -> list[RunbookRun]:
    with ctx.db.reader() as session:
        return list(repo.list_runs(session, states=ACTIVE if active_only else None, limit=limit))


def step_done(session: Session, run: RunbookRun, index: int, now: datetime) -> None:
    """Step `index` succeeded: the run goes on with the next, and its message shows it."""
    next_step(session, run, index, now)
    owe_run_message(session, run, now, create=False)


def next_step(session: Session, run: RunbookRun, index: int, now: datetime, **also: Any) -> bool:
    """Step `index` is done: the run goes on with the next one at once. False when the run
    was no longer running (another replica, or a person, moved it first)."""
    return repo.set_run(
        session,
        run.id,
        (RunState.RUNNING,),
        step_index=index + 1,
        next_at=now,
        updated_at=now,
        **also,
    )


def end_run(
    ctx: Context, session: Session, run: RunbookRun, state: str, error: str | None, now: datetime
) -> None:
    if not repo.set_run(
        session,
        run.id,
        (RunState.RUNNING,),
        state=state,
        error=error,
        finished_at=now,
        updated_at=now,
        next_at=None,
    ):
        return
    announce(ctx, session, run.id, now, state, detail=(error or "")[:500])
