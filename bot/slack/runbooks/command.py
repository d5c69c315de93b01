"""`/runbook list | run NAME [--dry-run]`, answered ephemerally.

A run's steps come from the runbook file: the command text only names the runbook. Only
database work happens before `ack()`; the run is carried out by the runbook sweep."""

import logging

from slack_bolt import Ack, App

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.scheduler import run_runbooks
from bot.slack.common import answer_command, ephemeral
from bot.slack.runbooks import views
from commands.context import Context
from commands.runbooks import catalog, runs
from commands.runbooks.slash import parse_runbook_command

log = logging.getLogger(__name__)


def answer_runbook(ctx: Context, t: Translator, text: str, user: str, channel: str) -> dict:
    sub, name, dry = parse_runbook_command(text)
    if sub == "help":
        return ephemeral(t("runbook.usage"))
    if sub == "list":
        return ephemeral(views.runbook_list(catalog.catalog(ctx), t))
    started = runs.start_run(ctx, name, requested_by=user, dry_run=dry, channel=channel or None)
    if dry:
        return ephemeral(views.plan_message(started.runbook.name, started.plan, t))
    run = started.run
    assert run is not None
    if not started.created:
        state = t(f"runbook.state.{run.state}")
        return ephemeral(t("runbook.already", name=run.runbook, id=run.id, state=state))
    key = "runbook.approval_requested" if run.state == "awaiting_approval" else "runbook.started"
    return ephemeral(t(key, name=run.runbook, id=run.id))


def register(app: App, runtime: Runtime) -> None:
    @app.command("/runbook")
    def runbook_command(ack: Ack, command: dict) -> None:
        t = runtime.t
        user = str(command.get("user_id") or "")
        channel = str(command.get("channel_id") or "")
        text = str(command.get("text") or "")
        if answer_command(ack, t, lambda: answer_runbook(runtime.ctx, t, text, user, channel)):
            runtime.changed()
            runtime.later(lambda: run_runbooks(runtime))
