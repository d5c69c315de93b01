"""The steps the bot carries out itself, in its own database: `notify` (a message in the run's
thread, naming the person on call) and `incident` (declaring one, linked to the run)."""

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session

from commands.context import Context
from commands.errors import CommandError
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.notices import Template, Thread, runbook_ref
from commands.oncall.schedule import primary_at
from commands.runbooks.announce import owe_reply, owe_run_message, thread_of
from commands.runbooks.runs import end_run, next_step, step_done
from commands.runbooks.spec import IncidentStep, NotifyStep, step_name
from commands.runbooks.states import BOT_ACTOR, RunState
from commands.runbooks.templates import TemplateError, render
from storage import runbooks as repo
from storage.models import RunbookRun, RunbookStep

log = logging.getLogger(__name__)


class AlreadyDone(Exception):
    """The step was recorded by someone else meanwhile; nothing to do."""


def row_for(
    session: Session, run: RunbookRun, step: Any, row: RunbookStep | None, now: datetime, state: str
) -> RunbookStep:
    index = run.step_index
    if row is None:
        return repo.save_step(
            session,
            RunbookStep(
                run_id=run.id,
                index=index,
                name=step_name(step, index)[:200],
                kind=step.kind,
                state=state,
                attempts=1,
                idempotency_key=f"run:{run.id}:step:{index}",
                result={},
                started_at=now,
            ),
        )
    repo.set_step(session, row.id, None, state=state, attempts=row.attempts + 1)
    row.state, row.attempts = state, row.attempts + 1
    return row


def tick_notify(
    ctx: Context,
    run: RunbookRun,
    step: NotifyStep,
    row: RunbookStep | None,
    data: dict[str, Any],
    now: datetime,
) -> bool:
    """Notify: the message and the step's success commit together (never sent twice)."""
    try:
        text = render(step.text, data, "text")
    except TemplateError as exc:
        return fail_db_step(ctx, run, step, row, str(exc), now)
    with ctx.db.session() as session:
        row = row_for(session, run, step, row, now, RunState.SUCCEEDED)
        result = {
            "text": text,
            "channel": step.channel,
            "oncall": step.oncall,
            "oncall_user": primary_at(session, ctx.config, now) if step.oncall else None,
        }
        repo.set_step(session, row.id, None, result=result, finished_at=now)
        notify_ref = f"{runbook_ref(run.id)}:notify:{row.index}"
        if step.channel:
            elsewhere = Thread(notify_ref, step.channel, {"run_id": run.id})
            elsewhere.post(session, Template.RUNBOOK_NOTIFY, now, index=row.index)
        else:
            thread_of(run).reply(session, Template.RUNBOOK_NOTIFY, now, index=row.index)
        if run.incident_id:
            incidents.record_runbook_event(
                ctx,
                session,
                run.incident_id,
                actor=BOT_ACTOR,
                data={
                    "runbook": run.runbook,
                    "run_id": run.id,
                    "step": row.name,
                    "outcome": RunState.SUCCEEDED,
                    "detail": text[:500],
                },
            )
        step_done(session, run, row.index, now)
    return True


def tick_incident(
    ctx: Context,
    run: RunbookRun,
    step: IncidentStep,
    row: RunbookStep | None,
    data: dict[str, Any],
    now: datetime,
) -> bool:
    """Declare the incident once: the incident, the step's success and the run's link to it
    commit in one transaction, and the step's idempotency key is unique."""
    try:
        title = render(step.title, data, "text")
        description = render(step.description, data, "text")
    except TemplateError as exc:
        return fail_db_step(ctx, run, step, row, str(exc), now)
    index = run.step_index

    def record(session: Session, incident: Any) -> None:
        existing = repo.step(session, run.id, index)
        if existing is not None and existing.state == RunState.SUCCEEDED:
            raise AlreadyDone
        saved = row_for(session, run, step, existing, now, RunState.SUCCEEDED)
        result = {"incident_id": incident.id, "severity": incident.severity}
        repo.set_step(session, saved.id, None, result=result, finished_at=now)
        if not next_step(session, run, index, now, incident_id=run.incident_id or incident.id):
            raise AlreadyDone
        linked = repo.get_run(session, run.id)
        assert linked is not None
        detail = f"{incident.id} [{incident.severity}]"
        owe_reply(
            ctx,
            session,
            linked,
            Template.RUNBOOK_STEP,
            now,
            timeline={"step": saved.name, "outcome": RunState.SUCCEEDED, "detail": detail},
            index=index,
        )
        owe_run_message(session, linked, now, create=False)

    try:
        incidents.create_incident(
            ctx,
            IncidentDraft(
                title=title, severity=step.severity, description=description, created_by=BOT_ACTOR
            ),
            within=record,
        )
    except AlreadyDone:
        return True
    except CommandError as exc:
        return fail_db_step(ctx, run, step, row, f"{exc.key}", now)
    return True


def fail_db_step(
    ctx: Context, run: RunbookRun, step: Any, row: RunbookStep | None, error: str, now: datetime
) -> bool:
    with ctx.db.session() as session:
        row = row_for(session, run, step, row, now, RunState.FAILED)
        repo.set_step(session, row.id, None, result={"error": error}, finished_at=now)
        owe_reply(
            ctx,
            session,
            run,
            Template.RUNBOOK_STEP,
            now,
            timeline={"step": row.name, "outcome": RunState.FAILED, "detail": error[:500]},
            index=row.index,
        )
        end_run(ctx, session, run, RunState.FAILED, f"{row.name}: {error}", now)
    return False
