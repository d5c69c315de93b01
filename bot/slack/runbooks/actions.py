"""Buttons on runbook messages: Run runbook, Approve, Reject, Resume, Abandon.

Each press is acknowledged at once; the decision (a conditional update: of two people
pressing together, one wins) and the answer to the person follow. Anyone who may not decide
is told so, ephemerally, and nothing changes."""

import json
import re

from slack_bolt import App

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.scheduler import run_runbooks
from bot.slack.blocks import who
from bot.slack.common import channel_of, on_button, pressed_value, user_id
from bot.slack.ids import Action
from bot.slack.usergroups import UserGroups
from commands.errors import CommandError
from commands.runbooks import approvals, runs
from commands.runbooks.states import RunState

_REF = re.compile(r"^(alert:\d{1,18}|incident:INC-\d{8}-\d{6}(-\d{1,4})?)$")


class BadButton(CommandError):
    pass


def _json_value(body: dict) -> dict:
    try:
        value = json.loads(pressed_value(body))
    except ValueError:
        raise BadButton("runbook.bad_button") from None
    if not isinstance(value, dict):
        raise BadButton("runbook.bad_button")
    return value


def run_pressed(runtime: Runtime, body: dict, t: Translator) -> str:
    """`Run runbook` on an alert or incident message: value {"runbook": NAME, "ref": REF}."""
    value = _json_value(body)
    name, ref = str(value.get("runbook") or ""), str(value.get("ref") or "")
    if not name or not _REF.match(ref):
        raise BadButton("runbook.bad_button")
    # Trigger data (an incident's fields, an alert group's labels and annotations) is read
    # from the database by start_run, never taken from the button.
    started = runs.start_run(
        runtime.ctx, name, requested_by=user_id(body), source_ref=ref, channel=channel_of(body)
    )
    run = started.run
    assert run is not None
    if not started.created:
        state = t(f"runbook.state.{run.state}")
        return t("runbook.already", name=run.runbook, id=run.id, state=state)
    key = "runbook.approval_requested" if run.state == RunState.AWAITING else "runbook.started"
    return t(key, name=run.runbook, id=run.id)


def decision_pressed(
    runtime: Runtime, body: dict, t: Translator, groups: UserGroups, *, approve: bool
) -> str:
    value = _json_value(body)
    try:
        run_id, gate = int(value["run"]), int(value["gate"])
    except (KeyError, TypeError, ValueError):
        raise BadButton("runbook.bad_button") from None
    decision = approvals.decide(
        runtime.ctx, run_id, gate, user_id(body), approve=approve, in_group=groups
    )
    run, approval = decision.run, decision.approval
    if decision.won:
        return t(f"runbook.decided.{approval.state}", name=run.runbook, id=run.id)
    state_key = (
        "runbook.state.approved" if approval.state == "approved" else "runbook.state.rejected"
    )
    return t(
        "runbook.decision_lost",
        name=run.runbook,
        id=run.id,
        decision=t(state_key),
        who=who(approval.decided_by or "?"),
    )


def register(app: App, runtime: Runtime) -> None:
    groups = UserGroups(runtime.client)

    def settled(text: str) -> str:
        """Carry the run on at once (the sweep would, within seconds)."""
        runtime.later(lambda: run_runbooks(runtime))
        return text

    def run_id(body: dict) -> int:
        try:
            return int(pressed_value(body))
        except ValueError:
            raise BadButton("runbook.bad_button") from None

    def resume(body: dict, t: Translator) -> str:
        run = approvals.resume(runtime.ctx, run_id(body), user_id(body), in_group=groups)
        return settled(t("runbook.resumed", id=run.id))

    def abandon(body: dict, t: Translator) -> str:
        run = approvals.abandon(runtime.ctx, run_id(body), user_id(body), in_group=groups)
        return settled(t("runbook.abandoned", id=run.id))

    on_button(app, runtime, Action.RUN_RUNBOOK, lambda b, t: settled(run_pressed(runtime, b, t)))
    on_button(
        app,
        runtime,
        Action.APPROVE_RUN,
        lambda b, t: settled(decision_pressed(runtime, b, t, groups, approve=True)),
    )
    on_button(
        app,
        runtime,
        Action.REJECT_RUN,
        lambda b, t: settled(decision_pressed(runtime, b, t, groups, approve=False)),
    )
    on_button(app, runtime, Action.RESUME_RUN, resume)
    on_button(app, runtime, Action.ABANDON_RUN, abandon)
