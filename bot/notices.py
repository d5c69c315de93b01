"""Turning an outbox entry into the Slack message it stands for, from current state."""

from bot.i18n import Translator
from bot.views import alerts as alert_views
from bot.views import incidents as incident_views
from commands import alerts, incidents
from commands.context import Context
from commands.notices import Template


class Gone(Exception):
    """What the message was about no longer exists; there is nothing to send."""


class NoticeRenderer:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.t = Translator(ctx.config.slack.locale, ctx.config.slack.tz)

    def render(self, template: str, args: dict) -> dict:
        """`{"text": ..., "blocks": [...]}` for the template, rendered from the database now."""
        if template == Template.INCIDENT_ANNOUNCEMENT:
            incident = incidents.get_incident(self.ctx, args["incident_id"])
            return incident_views.announcement(
                incident, self.ctx.config, self.t, self.ctx.clock.now()
            )
        if template == Template.INCIDENT_TIMELINE:
            entry = incidents.get_timeline_entry(self.ctx, int(args["entry_id"]))
            if entry is None:
                raise Gone(f"timeline entry {args['entry_id']}")
            return incident_views.timeline_reply(entry, self.t)
        if template == Template.INCIDENT_POSTMORTEM_DRAFT:
            incident, timeline = incidents.get_timeline(self.ctx, args["incident_id"])
            return incident_views.postmortem_message(incident, timeline, self.t)
        if template == Template.ALERT_GROUP:
            snapshot = alerts.group_snapshot(self.ctx, int(args["group_id"]))
            return alert_views.parent_message(
                snapshot, self.ctx.config, self.t, self.ctx.clock.now()
            )
        if template == Template.ALERT_CHANGE:
            group = alerts.get_group(self.ctx, int(args["group_id"]))
            return alert_views.change_reply(args, group.common_labels or {}, self.t)
        if template == Template.ALERT_EVENT:
            return alert_views.event_reply(args, self.t)
        raise Gone(f"unknown template {template!r}")
