"""A run's messages: its one message (kept current), lines in its thread, and entries in
its incident's timeline."""

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session

from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.notices import THREAD_PREFIXES, Template, Thread, runbook_ref
from commands.runbooks.states import BOT_ACTOR
from storage import runbooks as repo
from storage.models import RunbookRun

log = logging.getLogger(__name__)


def thread_parent(run: RunbookRun) -> str:
    if run.source_ref and run.source_ref.startswith(THREAD_PREFIXES):
        return run.source_ref
    return runbook_ref(run.id)


def _in_incident_thread(run: RunbookRun) -> bool:
    return bool(run.incident_id) and run.source_ref == f"incident:{run.incident_id}"


def thread_of(run: RunbookRun) -> Thread:
    """Where the run speaks: the thread it was started from (an alert's, an incident's, a
    health episode's), or its own message's."""
    return Thread(thread_parent(run), run.channel, {"run_id": run.id})


def owe_run_message(session: Session, run: RunbookRun, now: datetime, *, create: bool) -> None:
    """Post the run's message (in the thread it came from, or the channel), or update it."""
    ref = runbook_ref(run.id)
    thread = thread_of(run)
    if not create:
        Thread(ref, args=thread.args, stream=thread.ref).update(session, Template.RUNBOOK_RUN, now)
    elif thread.ref == ref:
        thread.post(session, Template.RUNBOOK_RUN, now)
    else:
        thread.reply_as(session, ref, Template.RUNBOOK_RUN, now)


def owe_reply(
    ctx: Context,
    session: Session,
    run: RunbookRun,
    template: Template,
    now: datetime,
    timeline: dict[str, Any] | None = None,
    **args: object,
) -> None:
    """A line in the run's thread, and in the linked incident's timeline. When the run
    lives in that incident's thread, the timeline entry is the line (not two of them)."""
    if not _in_incident_thread(run):
        thread_of(run).reply(session, template, now, **args)
    if run.incident_id and timeline is not None:
        data = {"runbook": run.runbook, "run_id": run.id, **timeline}
        incidents.record_runbook_event(ctx, session, run.incident_id, actor=BOT_ACTOR, data=data)


def announce(
    ctx: Context,
    session: Session,
    run_id: int,
    now: datetime,
    event: str,
    *,
    actor: str = BOT_ACTOR,
    step: str | None = None,
    detail: str | None = None,
) -> RunbookRun:
    """After a change of the run's state: refresh its message and say what happened in its
    thread and the linked incident's timeline (with who, when a person did it)."""
    run = repo.get_run(session, run_id)
    assert run is not None
    owe_run_message(session, run, now, create=False)
    timeline: dict[str, object] = {"event": event}
    if actor != BOT_ACTOR:
        timeline["by"] = actor
    if step is not None:
        timeline["step"] = step
    if detail is not None:
        timeline["detail"] = detail
    about_step = {"step": step} if step is not None else {}
    owe_reply(
        ctx,
        session,
        run,
        Template.RUNBOOK_EVENT,
        now,
        timeline=timeline,
        event=event,
        actor=actor,
        **about_step,
    )
    return run
