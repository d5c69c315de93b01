"""Turning an outbox entry into the Slack message it stands for, from current state."""

from bot.i18n import Translator
from bot.views import incidents as incident_views
from bot.views import runbooks as runbook_views
from commands import health_watch, incidents, runbooks
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
        if template == Template.RUNBOOK_RUN:
            return runbook_views.run_message(
                runbooks.get_run(self.ctx, int(args["run_id"])), self.t
            )
        if template in (Template.RUNBOOK_STEP, Template.RUNBOOK_NOTIFY):
            run, row = runbooks.get_step(self.ctx, int(args["run_id"]), int(args["index"]))
            if row is None:
                raise Gone(f"step {args['index']} of run {args['run_id']}")
            if template == Template.RUNBOOK_NOTIFY:
                # The on-call mention joins here once the on-call rotation is known.
                return runbook_views.notify_message(run, row, self.t)
            return runbook_views.step_reply(run, row, self.t)
        if template == Template.RUNBOOK_EVENT:
            run = runbooks.get_run(self.ctx, int(args["run_id"])).run
            return runbook_views.event_reply(
                run,
                str(args["event"]),
                str(args.get("actor") or ""),
                self.t,
                str(args.get("step") or ""),
            )
        if template == Template.HEALTH_CHANGE:
            item = health_watch.get_status(self.ctx, str(args["watch"]))
            if item is None:
                raise Gone(f"health target {args['watch']} is no longer configured")
            return runbook_views.health_change(
                item, int(args["episode"]), str(args["change"]), self.t
            )
        raise Gone(f"unknown template {template!r}")
