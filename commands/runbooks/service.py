"""Runbooks as code: listing, dry runs, starting runs, approvals and the step engine.

A run lives in the database. It starts once per trigger (a unique key), may wait for an
approval (Approve/Reject buttons, only approvers, optionally two people), and then a sweep
claims it with a lease and carries out its steps. Every step is recorded `started` before it
acts and with its outcome after, in the same transaction as the Slack messages it owes. If a
process dies mid-step, its lease runs out and the next sweep finds the step `started`: a step
that is safe to repeat (a GET, a health check, a query, a wait) runs again; any other stops
the run as `interrupted`, with Resume and Abandon buttons for a person to decide.
"""

import json
import logging
import shlex
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from commands.context import Context
from commands.errors import CommandError, Conflict, NotFound
from commands.incidents import lifecycle as incidents
from commands.notices import THREAD_PREFIXES, Template, runbook_ref
from commands.oncall.schedule import primary_at
from commands.runbooks import steps as steps_
from commands.runbooks.spec import (
    ApprovalStep,
    Catalog,
    CommandStep,
    HealthCheckStep,
    HttpStep,
    IncidentStep,
    LoadedRunbook,
    NotifyStep,
    PromqlStep,
    Runbook,
    TemplateError,
    WaitStep,
    idempotent,
    load_folder,
    parse_runbook,
    render,
    render_body,
    step_name,
)
from storage import alerts as alert_repo
from storage import outbox
from storage import runbooks as repo
from storage.models import RunbookApproval, RunbookRun, RunbookStep

log = logging.getLogger(__name__)


class RunState(StrEnum):
    """Where a runbook run is (stored as its value)."""

    AWAITING = "awaiting_approval"
    RUNNING = "running"
    INTERRUPTED = "interrupted"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    ABANDONED = "abandoned"


AWAITING, RUNNING, INTERRUPTED = RunState.AWAITING, RunState.RUNNING, RunState.INTERRUPTED
SUCCEEDED, FAILED, REJECTED = RunState.SUCCEEDED, RunState.FAILED, RunState.REJECTED
EXPIRED, ABANDONED = RunState.EXPIRED, RunState.ABANDONED
ACTIVE = (AWAITING, RUNNING, INTERRUPTED)
TERMINAL = (SUCCEEDED, FAILED, REJECTED, EXPIRED, ABANDONED)
START_GATE = -1
CLAIM_MARGIN = timedelta(seconds=30)
BOT_ACTOR = "sre-bot"

# Tells whether a Slack user is in a Slack user group (usergroups.users.list, bot side).
GroupCheck = Callable[[str, str], bool]


# --- the catalog -------------------------------------------------------------------------


_CACHE: dict[tuple, Catalog] = {}
_CACHE_LOCK = threading.Lock()


def _fingerprint(folder: Path | None, allow_commands: bool) -> tuple:
    if folder is None or not folder.is_dir():
        return (str(folder), allow_commands)
    files = []
    for path in sorted(folder.iterdir()):
        try:
            info = path.stat()
        except OSError:
            continue
        files.append((path.name, info.st_mtime_ns, info.st_size))
    return (str(folder), allow_commands, tuple(files))


def catalog(ctx: Context) -> Catalog:
    """Every runbook file of the configured folder; bad files are in `errors`. Read again
    whenever a file changes (the sweeps ask often; unchanged files are not re-parsed)."""
    folder = ctx.config.runbooks_folder()
    allow = ctx.config.runbooks.allow_commands
    key = _fingerprint(folder, allow)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
    if found is None:
        found = load_folder(folder, allow_commands=allow)
        with _CACHE_LOCK:
            if len(_CACHE) > 32:
                _CACHE.clear()
            _CACHE[key] = found
    return found


def get_runbook(ctx: Context, name: str) -> LoadedRunbook:
    found = catalog(ctx)
    loaded = found.runbooks.get(name.strip())
    if loaded is None:
        known = ", ".join(found.names()) or "-"
        raise NotFound("runbook.not_found", name=name.strip()[:120], known=known)
    return loaded


def runbooks_for_alert(ctx: Context, labels: dict[str, str]) -> list[str]:
    """The runbooks whose alert triggers match these labels (`alertname` and the rest)."""
    found = catalog(ctx)
    return [
        name
        for name, loaded in sorted(found.runbooks.items())
        if any(trigger.matches_alert(labels) for trigger in loaded.runbook.triggers)
    ]


def runbooks_for_health(ctx: Context, target: str) -> list[str]:
    found = catalog(ctx)
    return [
        name
        for name, loaded in sorted(found.runbooks.items())
        if any(trigger.health == target for trigger in loaded.runbook.triggers)
    ]


# --- trigger data and dry runs -------------------------------------------------------------


def _trigger_data(ctx: Context, source_ref: str | None, trigger: Mapping | None) -> dict:
    data: dict[str, Any] = dict(trigger or {})
    if source_ref and source_ref.startswith("alert:") and "labels" not in data:
        group_id = source_ref.split(":", 1)[1]
        with ctx.db.reader() as session:
            group = alert_repo.get_group(session, int(group_id)) if group_id.isdigit() else None
        if group is not None:
            labels = dict(group.common_labels or {})
            data["labels"] = labels
            data["annotations"] = dict(group.common_annotations or {})
            data["alert"] = {
                "name": labels.get("alertname", ""),
                "group_id": group.id,
                "severity": group.severity,
                "status": group.status,
            }
    if source_ref and source_ref.startswith("incident:") and "incident" not in data:
        incident = incidents.get_incident(ctx, source_ref.split(":", 1)[1])
        data["incident"] = {
            "id": incident.id,
            "severity": incident.severity,
            "status": incident.status,
            "title": incident.title,
            "description": incident.description,
            "components": list(incident.components),
        }
    return data


def _template_data(run_id: int | None, name: str, trigger: Mapping) -> dict:
    return {**trigger, "run": {"id": run_id or 0}, "runbook": {"name": name}}


@dataclass(frozen=True)
class PlannedStep:
    index: int
    name: str
    kind: str
    lines: list[str]
    problem: str = ""
    repeats_safely: bool = True


@dataclass(frozen=True)
class RunStart:
    runbook: Runbook
    run: RunbookRun | None = None
    created: bool = False
    plan: list[PlannedStep] = field(default_factory=list)


def _missing(path: str) -> str:
    return f"⟨{path}: no value⟩"


def _masked_headers(raw_step: Mapping, step: HttpStep | HealthCheckStep, data: dict) -> list[str]:
    raw_headers = raw_step.get("headers") if isinstance(raw_step.get("headers"), dict) else {}
    lines = []
    for name, value in step.headers.items():
        raw_value = str(raw_headers.get(name, ""))
        shown = raw_value if "${" in raw_value else render(value, data, "header", missing=_missing)
        lines.append(f"header {name}: {shown}")
    return lines


def plan(runbook: Runbook, raw: dict, data: dict, ctx: Context) -> list[PlannedStep]:
    """Every step with its parameters resolved from the trigger data. Performs nothing."""
    planned = []
    raw_steps = raw.get("steps") or []
    for index, step in enumerate(runbook.steps):
        raw_step = raw_steps[index] if index < len(raw_steps) else {}
        lines: list[str] = []
        problem = ""
        try:
            if isinstance(step, HttpStep):
                lines.append(f"{step.method} {render(step.url, data, 'url', missing=_missing)}")
                lines += _masked_headers(raw_step, step, data)
                if step.body is not None:
                    body = render_body(step.body, data, missing=_missing)
                    lines.append(f"body: {body if isinstance(body, str) else _json(body)}")
                lines.append(f"expect: status {', '.join(map(str, step.expect.status))}")
                lines += [f"expect: {c}" for c in step.expect.json_]
                lines.append(f"timeout {step.timeout:g}s, retries {step.retries}")
            elif isinstance(step, HealthCheckStep):
                url = render(step.url, data, "url", missing=_missing)
                lines.append(f"GET {url} × {step.times}, every {step.interval:g}s")
                lines += _masked_headers(raw_step, step, data)
                lines.append(f"healthy: status {', '.join(map(str, step.expect.status))}")
                lines += [f"healthy: {c}" for c in step.expect.json_]
                lines.append(f"wants: {step.want}")
            elif isinstance(step, PromqlStep):
                query = render(step.query, data, "promql", missing=_missing)
                lines.append(f"query: {query}")
                lines.append(f"condition ({step.match}): {step.condition}")
                lines.append(f"Prometheus: {ctx.config.prometheus.url}")
            elif isinstance(step, WaitStep):
                lines.append(f"wait {step.duration:g}s")
            elif isinstance(step, NotifyStep):
                where = step.channel or "(the run's thread)"
                lines.append(f"to {where}" + (" + the on-call person" if step.oncall else ""))
                lines.append(render(step.text, data, "text", missing=_missing))
            elif isinstance(step, IncidentStep):
                title = render(step.title, data, "text", missing=_missing)
                lines.append(f"declare a {step.severity} incident: {title}")
            elif isinstance(step, ApprovalStep):
                lines.append(f"wait for an approver ({', '.join(runbook.approvers)})")
                if step.text:
                    lines.append(render(step.text, data, "text", missing=_missing))
            elif isinstance(step, CommandStep):
                argv = [render(a, data, "argv", missing=_missing) for a in step.argv]
                lines.append("run: " + " ".join(_shell_quote(a) for a in argv))
                lines.append(f"timeout {step.timeout:g}s")
        except TemplateError as exc:
            problem = str(exc)
        planned.append(
            PlannedStep(index, step_name(step, index), step.kind, lines, problem, idempotent(step))
        )
    return planned


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _shell_quote(arg: str) -> str:
    return shlex.quote(arg)


def _parse(raw: dict) -> Runbook:
    try:
        return parse_runbook(raw)
    except KeyError as missing:
        raise CommandError("runbook.env_missing", variable=str(missing.args[0])) from None


# --- starting a run --------------------------------------------------------------------------


def _thread_parent(run: RunbookRun) -> str:
    if run.source_ref and run.source_ref.startswith(THREAD_PREFIXES):
        return run.source_ref
    return runbook_ref(run.id)  # type: ignore[arg-type]


def _in_incident_thread(run: RunbookRun) -> bool:
    return bool(run.incident_id) and run.source_ref == f"incident:{run.incident_id}"


def _owe_run_message(session: Session, run: RunbookRun, now: datetime, *, create: bool) -> None:
    """Post the run's message (in the thread it came from, or the channel), or update it."""
    ref = runbook_ref(run.id)  # type: ignore[arg-type]
    parent = _thread_parent(run)
    args = {"run_id": run.id}
    if not create:
        outbox.enqueue(
            session,
            stream=parent,
            op="update",
            ref=ref,
            template=Template.RUNBOOK_RUN,
            args=args,
            now=now,
        )
    elif parent == ref:
        outbox.enqueue(
            session,
            stream=parent,
            op="post",
            ref=ref,
            channel=run.channel,
            template=Template.RUNBOOK_RUN,
            args=args,
            now=now,
        )
    else:
        outbox.enqueue(
            session,
            stream=parent,
            op="reply",
            ref=ref,
            thread_ref=parent,
            template=Template.RUNBOOK_RUN,
            args=args,
            now=now,
        )


def _owe_reply(
    ctx: Context,
    session: Session,
    run: RunbookRun,
    template: Template,
    now: datetime,
    timeline: dict | None = None,
    **args: object,
) -> None:
    """A line in the run's thread, and in the linked incident's timeline. When the run
    lives in that incident's thread, the timeline entry is the line (not two of them)."""
    if not _in_incident_thread(run):
        parent = _thread_parent(run)
        outbox.enqueue(
            session,
            stream=parent,
            op="reply",
            thread_ref=parent,
            template=template,
            args={"run_id": run.id, **args},
            now=now,
        )
    if run.incident_id and timeline is not None:
        data = {"runbook": run.runbook, "run_id": run.id, **timeline}
        incidents.record_runbook_event(ctx, session, run.incident_id, actor=BOT_ACTOR, data=data)


def _announce(
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
    _owe_run_message(session, run, now, create=False)
    timeline: dict[str, object] = {"event": event}
    if actor != BOT_ACTOR:
        timeline["by"] = actor
    if step is not None:
        timeline["step"] = step
    if detail is not None:
        timeline["detail"] = detail
    about_step = {"step": step} if step is not None else {}
    _owe_reply(
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


def start_run(
    ctx: Context,
    name: str,
    *,
    requested_by: str,
    source_ref: str | None = None,
    trigger: dict | None = None,
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
    data = _trigger_data(ctx, source_ref, trigger)
    if dry_run:
        resolved = _parse(loaded.raw)
        return RunStart(
            resolved, plan=plan(resolved, loaded.raw, _template_data(None, name, data), ctx)
        )
    _parse(loaded.raw)  # an unset ${VARIABLE} is refused now, not half-way through the run
    base = key or (
        f"{runbook.name}@{source_ref}" if source_ref else f"{runbook.name}@{uuid.uuid4().hex}"
    )
    incident_id = (
        source_ref.split(":", 1)[1] if source_ref and source_ref.startswith("incident:") else None
    )
    now = ctx.clock.now()
    with ctx.db.session() as session:
        latest, count = repo.latest_by_base(session, base)
        if latest is not None and latest.state in (*ACTIVE, SUCCEEDED):
            return RunStart(runbook, latest, created=False)
        run = RunbookRun(
            key=base if count == 0 else f"{base}#{count + 1}",
            base_key=base,
            runbook=runbook.name,
            spec=loaded.raw,
            trigger=data,
            state=RUNNING if runbook.automation == "auto" else AWAITING,
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
            _add_approval(session, run, START_GATE, now, runbook.approval_timeout)
        _owe_run_message(session, run, now, create=True)
        if run.incident_id:
            incidents.record_runbook_event(
                ctx,
                session,
                run.incident_id,
                actor=requested_by or BOT_ACTOR,
                data={"runbook": run.runbook, "run_id": run.id, "event": "started"},
            )
    return RunStart(runbook, run, created=True)


def _add_approval(
    session: Session, run: RunbookRun, gate: int, now: datetime, timeout_seconds: float
) -> RunbookApproval:
    return repo.add_approval(
        session,
        RunbookApproval(
            run_id=run.id,  # type: ignore[arg-type]
            gate=gate,
            state="pending",
            requested_by=run.requested_by,
            requested_at=now,
            expires_at=now + timedelta(seconds=timeout_seconds),
        ),
    )


# --- reading runs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunView:
    run: RunbookRun
    steps: list[RunbookStep]
    approval: RunbookApproval | None  # the pending one, or the last decided one
    step_names: list[tuple[str, str]]  # (name, kind) of every step of the runbook


def _step_names(spec: dict) -> list[tuple[str, str]]:
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


# --- approvals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    run: RunbookRun
    approval: RunbookApproval
    won: bool  # False: someone else decided first (see approval.decided_by)


def may_approve(spec: Mapping, user: str, in_group: GroupCheck | None) -> bool:
    approvers = [str(a) for a in spec.get("approvers") or []]
    if user in approvers:
        return True
    groups = [a for a in approvers if a.startswith("S")]
    if not groups or in_group is None:
        return False
    for group in groups:
        try:
            if in_group(group, user):
                return True
        except Exception:  # the group look-up failing must never grant
            log.warning("could not check membership of user group %s", group, exc_info=True)
    return False


def decide(
    ctx: Context,
    run_id: int,
    gate: int,
    user: str,
    *,
    approve: bool,
    in_group: GroupCheck | None = None,
) -> Decision:
    """Approve or reject a pending approval. Only approvers; under the two-person rule not
    the person who asked. Two people pressing at once: one decision wins, once."""
    expire_approvals(ctx)
    now = ctx.clock.now()
    view = get_run(ctx, run_id)
    run = view.run
    if not may_approve(run.spec, user, in_group):
        raise CommandError("runbook.not_approver", runbook=run.runbook, id=run.id)
    if approve and run.spec.get("two_person_rule") and user == run.requested_by:
        raise CommandError("runbook.two_person", runbook=run.runbook, id=run.id)
    with ctx.db.session() as session:
        approval = repo.approval(session, run_id, gate)
        if approval is None:
            raise NotFound("runbook.run_not_found", id=run_id)
        state = "approved" if approve else "rejected"
        won = repo.decide_approval(session, approval.id, state, user, now)  # type: ignore[arg-type, union-attr]
        approval = repo.approval(session, run_id, gate)
        run = repo.get_run(session, run_id)
        assert approval is not None and run is not None
        if not won:
            if approval.state == "expired":
                raise Conflict("runbook.approval_expired", id=run.id, runbook=run.runbook)
            return Decision(run, approval, won=False)
        if approve:
            values: dict[str, Any] = {"state": RUNNING, "next_at": now, "updated_at": now}
            if gate != START_GATE:
                row = repo.step(session, run_id, gate)
                if row is not None:
                    repo.set_step(
                        session,
                        row.id,
                        None,
                        state=SUCCEEDED,
                        finished_at=now,  # type: ignore[arg-type]
                        result={**row.result, "approved_by": user},
                    )
                values["step_index"] = gate + 1
            repo.set_run(session, run_id, (AWAITING,), **values)
        else:
            if gate != START_GATE:
                row = repo.step(session, run_id, gate)
                if row is not None:
                    repo.set_step(session, row.id, None, state=FAILED, finished_at=now)  # type: ignore[arg-type]
            repo.set_run(
                session,
                run_id,
                (AWAITING,),
                state=REJECTED,
                finished_at=now,
                finished_by=user,
                updated_at=now,
                next_at=None,
            )
        run = _announce(ctx, session, run_id, now, state, actor=user)
        return Decision(run, approval, won=True)


def _expire(ctx: Context, session: Session, approval: RunbookApproval, now: datetime) -> bool:
    if not repo.decide_approval(session, approval.id, "expired", None, now):  # type: ignore[arg-type]
        return False
    if approval.gate != START_GATE:
        row = repo.step(session, approval.run_id, approval.gate)
        if row is not None:
            repo.set_step(session, row.id, None, state=FAILED, finished_at=now)  # type: ignore[arg-type]
    repo.set_run(
        session,
        approval.run_id,
        (AWAITING,),
        state=EXPIRED,
        finished_at=now,
        updated_at=now,
        next_at=None,
    )
    _announce(ctx, session, approval.run_id, now, "expired")
    return True


def expire_approvals(ctx: Context) -> int:
    """Settle approvals nobody decided in time: the run ends as expired, its message says so."""
    now = ctx.clock.now()
    with ctx.db.reader() as session:
        due = repo.expired_approvals(session, now)
    expired = 0
    for approval in due:
        with ctx.db.session() as session:
            expired += _expire(ctx, session, approval, now)
    return expired


def _may_operate(run: RunbookRun, user: str, in_group: GroupCheck | None) -> bool:
    """Resume and Abandon: the approvers when the runbook has any, else anybody."""
    if not run.spec.get("approvers"):
        return True
    return may_approve(run.spec, user, in_group) or user == run.requested_by


def resume(
    ctx: Context, run_id: int, user: str, *, in_group: GroupCheck | None = None
) -> RunbookRun:
    """Run the interrupted step again: a person decided it is safe to."""
    now = ctx.clock.now()
    return _settle_interrupted(
        ctx,
        run_id,
        user,
        in_group,
        "resumed",
        {"state": RUNNING, "next_at": now, "claimed_by": None, "claimed_until": None},
    )


def abandon(
    ctx: Context, run_id: int, user: str, *, in_group: GroupCheck | None = None
) -> RunbookRun:
    """End an interrupted run without running the rest."""
    now = ctx.clock.now()
    return _settle_interrupted(
        ctx,
        run_id,
        user,
        in_group,
        "abandoned",
        {"state": ABANDONED, "finished_at": now, "finished_by": user, "next_at": None},
    )


def _settle_interrupted(
    ctx: Context,
    run_id: int,
    user: str,
    in_group: GroupCheck | None,
    event: str,
    values: dict[str, Any],
) -> RunbookRun:
    """Move an interrupted run on (resumed or abandoned), once, whoever presses first."""
    now = ctx.clock.now()
    run = get_run(ctx, run_id).run
    if not _may_operate(run, user, in_group):
        raise CommandError("runbook.not_approver", runbook=run.runbook, id=run.id)
    with ctx.db.session() as session:
        if not repo.set_run(session, run_id, (INTERRUPTED,), updated_at=now, **values):
            current = repo.get_run(session, run_id)
            raise Conflict(
                "runbook.not_interrupted", id=run_id, state=current.state if current else "?"
            )
        if event == "resumed":
            row = repo.step(session, run_id, run.step_index)
            if row is not None:
                repo.set_step(session, row.id, (INTERRUPTED,), state="resumed")  # type: ignore[arg-type]
        return _announce(ctx, session, run_id, now, event, actor=user)


# --- the engine ------------------------------------------------------------------------------


class _AlreadyDone(Exception):
    """The step was recorded by someone else meanwhile; nothing to do."""


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
            if run is None or run.state != RUNNING or run.claimed_by != worker:
                return
            row = repo.step(session, run_id, run.step_index)
        try:
            runbook = parse_runbook(run.spec)
        except KeyError as missing:
            _finish(ctx, run, FAILED, f"environment variable {missing.args[0]} is not set")
            return
        if run.step_index >= len(runbook.steps):
            _finish(ctx, run, SUCCEEDED, None)
            return
        step = runbook.steps[run.step_index]
        if row is not None and row.state == "started" and not idempotent(step):
            _interrupt(ctx, run, row)
            return
        if not _tick(ctx, run, runbook, step, row, worker):
            return
        if time.monotonic() - started > budget_seconds:
            return  # let the next sweep carry on (the run is still due)


def _row_for(
    session: Session, run: RunbookRun, step: Any, row: RunbookStep | None, now: datetime, state: str
) -> RunbookStep:
    index = run.step_index
    if row is None:
        return repo.save_step(
            session,
            RunbookStep(
                run_id=run.id,  # type: ignore[arg-type]
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
    repo.set_step(session, row.id, None, state=state, attempts=row.attempts + 1)  # type: ignore[arg-type]
    row.state, row.attempts = state, row.attempts + 1
    return row


def _tick(
    ctx: Context, run: RunbookRun, runbook: Runbook, step: Any, row: RunbookStep | None, worker: str
) -> bool:
    """One tick of the current step. True: go on with the next step now."""
    now = ctx.clock.now()
    data = _template_data(run.id, run.runbook, run.trigger)
    if isinstance(step, WaitStep):
        return _tick_wait(ctx, run, step, row, now)
    if isinstance(step, NotifyStep):
        return _tick_notify(ctx, run, step, row, data, now)
    if isinstance(step, IncidentStep):
        return _tick_incident(ctx, run, step, row, data, now)
    if isinstance(step, ApprovalStep):
        return _tick_approval(ctx, run, runbook, step, row, now)
    budget = _step_budget(step)
    with ctx.db.session() as session:
        if not repo.extend_claim(session, run.id, worker, now + budget + CLAIM_MARGIN):  # type: ignore[arg-type]
            return False
        row = _row_for(session, run, step, row, now, "started")
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
                    "failed", {"error": "command steps are off"}, detail="command steps are off"
                )
            else:
                outcome = steps_.run_command(step, data, now)
        else:  # pragma: no cover - the spec's union is exhaustive
            raise AssertionError(step.kind)
    except TemplateError as exc:
        outcome = steps_.Outcome("failed", {**prior, "error": str(exc)}, detail=str(exc))
    return _record(ctx, run, row, outcome)


def _step_budget(step: Any) -> timedelta:
    if isinstance(step, HttpStep):
        return timedelta(seconds=step.timeout)
    if isinstance(step, HealthCheckStep | PromqlStep | CommandStep):
        return timedelta(seconds=step.timeout)
    return timedelta(seconds=10)


def _record(ctx: Context, run: RunbookRun, row: RunbookStep, outcome: steps_.Outcome) -> bool:
    now = ctx.clock.now()
    with ctx.db.session() as session:
        if outcome.state == "waiting":
            repo.set_step(session, row.id, ("started",), state="waiting", result=outcome.result)  # type: ignore[arg-type]
            repo.set_run(session, run.id, (RUNNING,), next_at=outcome.at, updated_at=now)  # type: ignore[arg-type]
            _owe_run_message(session, run, now, create=False)
            return False
        if not repo.set_step(
            session,
            row.id,
            ("started",),
            state=outcome.state,
            result=outcome.result,  # type: ignore[arg-type]
            finished_at=now,
        ):
            return False
        timeline = {"step": row.name, "outcome": outcome.state, "detail": outcome.detail[:500]}
        _owe_reply(
            ctx, session, run, Template.RUNBOOK_STEP, now, timeline=timeline, index=row.index
        )
        if outcome.state == SUCCEEDED:
            repo.set_run(
                session,
                run.id,
                (RUNNING,),
                step_index=row.index + 1,
                next_at=now,
                updated_at=now,  # type: ignore[arg-type]
            )
            _owe_run_message(session, run, now, create=False)
            return True
        _end(ctx, session, run, FAILED, f"{row.name}: {outcome.detail}"[:2000], now)
        return False


def _tick_wait(
    ctx: Context, run: RunbookRun, step: WaitStep, row: RunbookStep | None, now: datetime
) -> bool:
    with ctx.db.session() as session:
        if row is None:
            until = now + timedelta(seconds=step.duration)
            row = _row_for(session, run, step, None, now, "waiting")
            repo.set_step(session, row.id, None, result={"until": until.isoformat()})  # type: ignore[arg-type]
            repo.set_run(session, run.id, (RUNNING,), next_at=until, updated_at=now)  # type: ignore[arg-type]
            _owe_run_message(session, run, now, create=False)
            return False
        until = datetime.fromisoformat(str(row.result.get("until")))
        if now < until:
            repo.set_run(session, run.id, (RUNNING,), next_at=until)  # type: ignore[arg-type]
            return False
        repo.set_step(session, row.id, None, state=SUCCEEDED, finished_at=now)  # type: ignore[arg-type]
        repo.set_run(
            session, run.id, (RUNNING,), step_index=row.index + 1, next_at=now, updated_at=now
        )  # type: ignore[arg-type]
        _owe_run_message(session, run, now, create=False)
        return True


def _tick_notify(
    ctx: Context,
    run: RunbookRun,
    step: NotifyStep,
    row: RunbookStep | None,
    data: dict,
    now: datetime,
) -> bool:
    """Notify: the message and the step's success commit together (never sent twice)."""
    try:
        text = render(step.text, data, "text")
    except TemplateError as exc:
        return _fail_db_step(ctx, run, step, row, str(exc), now)
    with ctx.db.session() as session:
        row = _row_for(session, run, step, row, now, SUCCEEDED)
        result = {
            "text": text,
            "channel": step.channel,
            "oncall": step.oncall,
            "oncall_user": primary_at(session, ctx.config, now) if step.oncall else None,
        }
        repo.set_step(session, row.id, None, result=result, finished_at=now)  # type: ignore[arg-type]
        notify_ref = f"{runbook_ref(run.id)}:notify:{row.index}"  # type: ignore[arg-type]
        if step.channel:
            outbox.enqueue(
                session,
                stream=notify_ref,
                op="post",
                ref=notify_ref,
                channel=step.channel,
                template=Template.RUNBOOK_NOTIFY,
                args={"run_id": run.id, "index": row.index},
                now=now,
            )
        else:
            parent = _thread_parent(run)
            outbox.enqueue(
                session,
                stream=parent,
                op="reply",
                thread_ref=parent,
                template=Template.RUNBOOK_NOTIFY,
                args={"run_id": run.id, "index": row.index},
                now=now,
            )
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
                    "outcome": SUCCEEDED,
                    "detail": text[:500],
                },
            )
        repo.set_run(
            session, run.id, (RUNNING,), step_index=row.index + 1, next_at=now, updated_at=now
        )  # type: ignore[arg-type]
        _owe_run_message(session, run, now, create=False)
    return True


def _tick_incident(
    ctx: Context,
    run: RunbookRun,
    step: IncidentStep,
    row: RunbookStep | None,
    data: dict,
    now: datetime,
) -> bool:
    """Declare the incident once: the incident, the step's success and the run's link to it
    commit in one transaction, and the step's idempotency key is unique."""
    try:
        title = render(step.title, data, "text")
        description = render(step.description, data, "text")
    except TemplateError as exc:
        return _fail_db_step(ctx, run, step, row, str(exc), now)
    index = run.step_index

    def record(session: Session, incident: Any) -> None:
        existing = repo.step(session, run.id, index)  # type: ignore[arg-type]
        if existing is not None and existing.state == SUCCEEDED:
            raise _AlreadyDone
        saved = _row_for(session, run, step, existing, now, SUCCEEDED)
        result = {"incident_id": incident.id, "severity": incident.severity}
        repo.set_step(session, saved.id, None, result=result, finished_at=now)  # type: ignore[arg-type]
        changed = repo.set_run(
            session,
            run.id,
            (RUNNING,),
            step_index=index + 1,
            next_at=now,  # type: ignore[arg-type]
            updated_at=now,
            incident_id=run.incident_id or incident.id,
        )
        if not changed:
            raise _AlreadyDone
        linked = repo.get_run(session, run.id)  # type: ignore[arg-type]
        assert linked is not None
        detail = f"{incident.id} [{incident.severity}]"
        _owe_reply(
            ctx,
            session,
            linked,
            Template.RUNBOOK_STEP,
            now,
            timeline={"step": saved.name, "outcome": SUCCEEDED, "detail": detail},
            index=index,
        )
        _owe_run_message(session, linked, now, create=False)

    try:
        incidents.create_incident(
            ctx,
            title=title,
            severity=step.severity,
            description=description,
            created_by=BOT_ACTOR,
            within=record,
        )
    except _AlreadyDone:
        return True
    except CommandError as exc:
        return _fail_db_step(ctx, run, step, row, f"{exc.key}", now)
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
        row = _row_for(session, run, step, row, now, "waiting")
        if repo.approval(session, run.id, row.index) is None:  # type: ignore[arg-type]
            timeout = step.timeout or runbook.approval_timeout
            _add_approval(session, run, row.index, now, timeout)
        repo.set_run(session, run.id, (RUNNING,), state=AWAITING, next_at=None, updated_at=now)  # type: ignore[arg-type]
        _announce(ctx, session, run.id, now, "approval_needed", step=row.name)  # type: ignore[arg-type]
    return False


def _fail_db_step(
    ctx: Context, run: RunbookRun, step: Any, row: RunbookStep | None, error: str, now: datetime
) -> bool:
    with ctx.db.session() as session:
        row = _row_for(session, run, step, row, now, FAILED)
        repo.set_step(session, row.id, None, result={"error": error}, finished_at=now)  # type: ignore[arg-type]
        _owe_reply(
            ctx,
            session,
            run,
            Template.RUNBOOK_STEP,
            now,
            timeline={"step": row.name, "outcome": FAILED, "detail": error[:500]},
            index=row.index,
        )
        _end(ctx, session, run, FAILED, f"{row.name}: {error}", now)
    return False


def _end(
    ctx: Context, session: Session, run: RunbookRun, state: str, error: str | None, now: datetime
) -> None:
    if not repo.set_run(
        session,
        run.id,
        (RUNNING,),
        state=state,
        error=error,
        finished_at=now,  # type: ignore[arg-type]
        updated_at=now,
        next_at=None,
    ):
        return
    _announce(ctx, session, run.id, now, state, detail=(error or "")[:500])  # type: ignore[arg-type]


def _finish(ctx: Context, run: RunbookRun, state: str, error: str | None) -> None:
    with ctx.db.session() as session:
        _end(ctx, session, run, state, error, ctx.clock.now())


def _interrupt(ctx: Context, run: RunbookRun, row: RunbookStep) -> None:
    """The process running this step died before recording what happened: stop here and
    let a person decide (Resume runs the step again, Abandon ends the run)."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        if not repo.set_run(
            session,
            run.id,
            (RUNNING,),
            state=INTERRUPTED,
            next_at=None,
            updated_at=now,  # type: ignore[arg-type]
            claimed_by=None,
            claimed_until=None,
        ):
            return
        repo.set_step(session, row.id, ("started",), state=INTERRUPTED)  # type: ignore[arg-type]
        _announce(ctx, session, run.id, now, "interrupted", step=row.name)  # type: ignore[arg-type]
