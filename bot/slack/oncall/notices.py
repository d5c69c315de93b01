"""The on-call messages the outbox owes: reminders (dropped when their reason has passed) and
the weekly handoff."""

from bot.delivery.renderers import Renderers
from bot.i18n import Translator
from bot.slack.oncall import views
from commands.clock import from_iso
from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.notices import Moot, Template
from commands.oncall import handoff, reminders


def ack_reminder(ctx: Context, t: Translator, args: dict) -> dict:
    kind, subject = str(args["subject_kind"]), str(args["subject_id"])
    if not reminders.still_unacknowledged(ctx, kind, subject):
        raise Moot(f"{kind} {subject} was acknowledged")
    return views.ack_reminder(args, ctx.config, t, ctx.clock.now())


def update_reminder(ctx: Context, t: Translator, args: dict) -> dict:
    incident_id = str(args["incident_id"])
    if not reminders.update_still_owed(ctx, incident_id, from_iso(args["quiet_since"])):
        raise Moot(f"{incident_id} was updated")
    return views.update_reminder(args, t, ctx.clock.now())


def postmortem_reminder(ctx: Context, t: Translator, args: dict) -> dict:
    incident_id = str(args["incident_id"])
    if not reminders.postmortem_still_owed(ctx, incident_id):
        raise Moot(f"{incident_id} has its postmortem")
    incident = incidents.get_incident(ctx, incident_id)
    return views.postmortem_reminder(incident, args.get("user"), t)


def handoff_post(ctx: Context, t: Translator, args: dict) -> dict:
    at = from_iso(args["handoff_at"])
    summary = handoff.handoff_summary(ctx, at, late=bool(args.get("late")))
    return views.handoff_message(summary, ctx.config, t)


def change_post(ctx: Context, t: Translator, args: dict) -> dict:
    return views.change_message(args, t)


RENDERERS: Renderers = {
    Template.ONCALL_ACK_REMINDER: ack_reminder,
    Template.ONCALL_UPDATE_REMINDER: update_reminder,
    Template.ONCALL_POSTMORTEM_REMINDER: postmortem_reminder,
    Template.ONCALL_HANDOFF: handoff_post,
    Template.ONCALL_CHANGE: change_post,
}
