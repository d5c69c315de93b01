"""The runbook messages the outbox owes: the run's message, its steps, events and notify lines."""

from bot.delivery.renderers import Renderers
from bot.i18n import Translator
from bot.slack.runbooks import views
from commands.context import Context
from commands.notices import Gone, Template
from commands.runbooks import runs


def run_message(ctx: Context, t: Translator, args: dict) -> dict:
    return views.run_message(runs.get_run(ctx, int(args["run_id"])), t)


def step(ctx: Context, t: Translator, args: dict) -> dict:
    run, row = runs.get_step(ctx, int(args["run_id"]), int(args["index"]))
    if row is None:
        raise Gone(f"step {args['index']} of run {args['run_id']}")
    return views.step_reply(run, row, t)


def notify(ctx: Context, t: Translator, args: dict) -> dict:
    run, row = runs.get_step(ctx, int(args["run_id"]), int(args["index"]))
    if row is None:
        raise Gone(f"step {args['index']} of run {args['run_id']}")
    return views.notify_message(run, row, t)


def event(ctx: Context, t: Translator, args: dict) -> dict:
    run = runs.get_run(ctx, int(args["run_id"])).run
    actor, about = str(args.get("actor") or ""), str(args.get("step") or "")
    return views.event_reply(run, str(args["event"]), actor, t, about)


RENDERERS: Renderers = {
    Template.RUNBOOK_RUN: run_message,
    Template.RUNBOOK_STEP: step,
    Template.RUNBOOK_NOTIFY: notify,
    Template.RUNBOOK_EVENT: event,
}
