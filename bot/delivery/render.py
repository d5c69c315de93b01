"""Turning an outbox entry into the Slack message it stands for, from current state."""

from datetime import datetime

from bot.i18n import Translator
from bot.slack.alerts import views as alert_views
from bot.slack.blocks import escape, mrkdwn
from bot.slack.health import views as health_views
from bot.slack.incidents import views as incident_views
from bot.slack.oncall import views as oncall_views
from bot.slack.runbooks import views as runbook_views
from bot.slack.slo import views as slo_views
from commands.alerts import groups
from commands.context import Context
from commands.health import watch as health_watch
from commands.incidents import lifecycle as incidents
from commands.notices import Template
from commands.oncall import handoff, reminders
from commands.runbooks import runs
from commands.slo import digest


class Gone(Exception):
    """What the message was about no longer exists; there is nothing to send."""


class Moot(Gone):
    """The message's reason passed before it could be sent (a reminder about an incident
    acknowledged meanwhile): it is dropped as superseded, not set aside as dead."""


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
        if template == Template.ONCALL_ACK_REMINDER:
            kind, subject = str(args["subject_kind"]), str(args["subject_id"])
            if not reminders.still_unacknowledged(self.ctx, kind, subject):
                raise Moot(f"{kind} {subject} was acknowledged")
            return oncall_views.ack_reminder(args, self.ctx.config, self.t, self.ctx.clock.now())
        if template == Template.ONCALL_UPDATE_REMINDER:
            incident_id = str(args["incident_id"])
            quiet_since = datetime.fromisoformat(str(args["quiet_since"]).replace("Z", "+00:00"))
            if not reminders.update_still_owed(self.ctx, incident_id, quiet_since):
                raise Moot(f"{incident_id} was updated")
            return oncall_views.update_reminder(args, self.t, self.ctx.clock.now())
        if template == Template.ONCALL_POSTMORTEM_REMINDER:
            incident_id = str(args["incident_id"])
            if not reminders.postmortem_still_owed(self.ctx, incident_id):
                raise Moot(f"{incident_id} has its postmortem")
            incident = incidents.get_incident(self.ctx, incident_id)
            return oncall_views.postmortem_reminder(incident, args.get("user"), self.t)
        if template == Template.ONCALL_HANDOFF:
            at = datetime.fromisoformat(str(args["handoff_at"]).replace("Z", "+00:00"))
            summary = handoff.handoff_summary(self.ctx, at, late=bool(args.get("late")))
            return oncall_views.handoff_message(summary, self.ctx.config, self.t)
        if template == Template.ALERT_GROUP:
            snapshot = groups.group_snapshot(self.ctx, int(args["group_id"]))
            return alert_views.parent_message(
                snapshot, self.ctx.config, self.t, self.ctx.clock.now()
            )
        if template == Template.ALERT_CHANGE:
            group = groups.get_group(self.ctx, int(args["group_id"]))
            return alert_views.change_reply(args, group.common_labels or {}, self.t)
        if template == Template.ALERT_EVENT:
            return alert_views.event_reply(args, self.t)
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
        if template == Template.RUNBOOK_RUN:
            return runbook_views.run_message(runs.get_run(self.ctx, int(args["run_id"])), self.t)
        if template in (Template.RUNBOOK_STEP, Template.RUNBOOK_NOTIFY):
            run, row = runs.get_step(self.ctx, int(args["run_id"]), int(args["index"]))
            if row is None:
                raise Gone(f"step {args['index']} of run {args['run_id']}")
            if template == Template.RUNBOOK_NOTIFY:
                return runbook_views.notify_message(run, row, self.t)
            return runbook_views.step_reply(run, row, self.t)
        if template == Template.RUNBOOK_EVENT:
            run = runs.get_run(self.ctx, int(args["run_id"])).run
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
            return health_views.health_change(
                item, int(args["episode"]), str(args["change"]), self.t
            )
        if template == Template.DELIVERY_FAILED:
            key = (
                "delivery.failed_update"
                if args.get("op") == "update"
                else "delivery.failed_message"
            )
            text = self.t(key, error=escape(str(args.get("error") or "?")), ref=args["outbox_id"])
            return {"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}
        raise Gone(f"unknown template {template!r}")
