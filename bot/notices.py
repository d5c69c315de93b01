"""Turning an outbox entry into the Slack message it stands for, from current state."""

from bot.i18n import Translator
from bot.views import incidents as incident_views
from bot.views import slo as slo_views
from commands import digest, incidents
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
        if template == Template.SLO_STATUS_CHANGE:
            return slo_views.status_change_message(args, self.t)
        if template == Template.SLO_DIGEST:
            data = digest.get_run_data(self.ctx, str(args["slot"]))
            if data is None:
                raise Gone(f"digest {args['slot']}")
            return slo_views.digest_message(data, self.t)
        if template == Template.SLO_CHART:
            chart = digest.get_chart(self.ctx, int(args["chart_id"]))
            if chart is None:
                raise Gone(f"chart {args['chart_id']}")
            return {
                "upload": {
                    "filename": chart.filename,
                    "title": chart.title,
                    "content": chart.png,
                    "alt_txt": chart.title,
                }
            }
        raise Gone(f"unknown template {template!r}")
