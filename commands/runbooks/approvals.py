"""Approvals (only approvers, optionally two people, until they expire), and what a person
decides about an interrupted run (Resume, Abandon)."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from commands.context import Context
from commands.errors import CommandError, Conflict, NotFound
from commands.people import GroupCheck, listed
from commands.runbooks.announce import announce
from commands.runbooks.runs import get_run
from commands.runbooks.states import START_GATE, RunState
from storage import runbooks as repo
from storage.models import RunbookApproval, RunbookRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    run: RunbookRun
    approval: RunbookApproval
    won: bool  # False: someone else decided first (see approval.decided_by)


def may_approve(spec: Mapping[str, Any], user: str, in_group: GroupCheck | None) -> bool:
    return listed(spec.get("approvers") or [], user, in_group)


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
        won = repo.decide_approval(session, approval.id, state, user, now)
        approval = repo.approval(session, run_id, gate)
        current = repo.get_run(session, run_id)
        assert approval is not None and current is not None
        run = current
        if not won:
            if approval.state == "expired":
                raise Conflict("runbook.approval_expired", id=run.id, runbook=run.runbook)
            return Decision(run, approval, won=False)
        if approve:
            values: dict[str, Any] = {"state": RunState.RUNNING, "next_at": now, "updated_at": now}
            if gate != START_GATE:
                row = repo.step(session, run_id, gate)
                if row is not None:
                    repo.set_step(
                        session,
                        row.id,
                        None,
                        state=RunState.SUCCEEDED,
                        finished_at=now,
                        result={**row.result, "approved_by": user},
                    )
                values["step_index"] = gate + 1
            repo.set_run(session, run_id, (RunState.AWAITING,), **values)
        else:
            _close_gate(session, run_id, gate, RunState.REJECTED, now, finished_by=user)
        run = announce(ctx, session, run_id, now, state, actor=user)
        return Decision(run, approval, won=True)


def _close_gate(
    session: Session, run_id: int, gate: int, state: RunState, now: datetime, **also: Any
) -> None:
    """The run waited at `gate` and goes no further: the gate's step failed, the run ends."""
    if gate != START_GATE:
        row = repo.step(session, run_id, gate)
        if row is not None:
            repo.set_step(session, row.id, None, state=RunState.FAILED, finished_at=now)
    repo.set_run(
        session,
        run_id,
        (RunState.AWAITING,),
        state=state,
        finished_at=now,
        updated_at=now,
        next_at=None,
        **also,
    )


def _expire(ctx: Context, session: Session, approval: RunbookApproval, now: datetime) -> bool:
    if not repo.decide_approval(session, approval.id, "expired", None, now):
        return False
    _close_gate(session, approval.run_id, approval.gate, RunState.EXPIRED, now)
    announce(ctx, session, approval.run_id, now, "expired")
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
    return _settle_interrupted(ctx, run_id, user, in_group, "resumed")


def abandon(
    ctx: Context, run_id: int, user: str, *, in_group: GroupCheck | None = None
) -> RunbookRun:
    """End an interrupted run without running the rest."""
    return _settle_interrupted(ctx, run_id, user, in_group, "abandoned")


def _settled(event: str, user: str, now: datetime) -> dict[str, Any]:
    if event == "resumed":
        return {
            "state": RunState.RUNNING,
            "next_at": now,
            "claimed_by": None,
            "claimed_until": None,
        }
    return {"state": RunState.ABANDONED, "finished_at": now, "finished_by": user, "next_at": None}


def _settle_interrupted(
    ctx: Context, run_id: int, user: str, in_group: GroupCheck | None, event: str
) -> RunbookRun:
    """Move an interrupted run on (resumed or abandoned), once, whoever presses first."""
    now = ctx.clock.now()
    run = get_run(ctx, run_id).run
    if not _may_operate(run, user, in_group):
        raise CommandError("runbook.not_approver", runbook=run.runbook, id=run.id)
    with ctx.db.session() as session:
        if not repo.set_run(
            session, run_id, (RunState.INTERRUPTED,), updated_at=now, **_settled(event, user, now)
        ):
            current = repo.get_run(session, run_id)
            raise Conflict(
                "runbook.not_interrupted", id=run_id, state=current.state if current else "?"
            )
        if event == "resumed":
            row = repo.step(session, run_id, run.step_index)
            if row is not None:
                repo.set_step(session, row.id, (RunState.INTERRUPTED,), state="resumed")
        return announce(ctx, session, run_id, now, event, actor=user)
