"""The incident messages the outbox owes, rendered from the database when they are sent."""

from bot.delivery.renderers import Renderers
from bot.i18n import Translator
from bot.slack.incidents import views
from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.notices import Gone, Moot, Template


def announcement(ctx: Context, t: Translator, args: dict) -> dict:
    incident = incidents.get_incident(ctx, args["incident_id"])
    return views.announcement(incident, ctx.config, t, ctx.clock.now())


def timeline_entry(ctx: Context, t: Translator, args: dict) -> dict:
    entry = incidents.get_timeline_entry(ctx, int(args["entry_id"]))
    if entry is None:
        raise Gone(f"timeline entry {args['entry_id']}")
    return views.timeline_reply(entry, t)


def postmortem_draft(ctx: Context, t: Translator, args: dict) -> dict:
    incident, timeline = incidents.get_timeline(ctx, args["incident_id"])
    return views.postmortem_message(incident, timeline, t)


def postmortem_file(ctx: Context, t: Translator, args: dict) -> dict:
    incident, timeline = incidents.get_timeline(ctx, args["incident_id"])
    upload = views.postmortem_file(incident, timeline, t)
    if upload is None:
        raise Moot(f"{incident.id}: the postmortem draft fits in its message")
    return {"upload": upload}


RENDERERS: Renderers = {
    Template.INCIDENT_ANNOUNCEMENT: announcement,
    Template.INCIDENT_TIMELINE: timeline_entry,
    Template.INCIDENT_POSTMORTEM_DRAFT: postmortem_draft,
    Template.INCIDENT_POSTMORTEM_FILE: postmortem_file,
}
