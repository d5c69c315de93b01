"""`/incident`: every sub-command answers the person ephemerally, within Slack's 3 seconds.

Only database work happens before `ack()`; Slack messages go through the outbox.
"""

from functools import partial

from slack_bolt import Ack, App, Respond

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.slack.common import (
    answer_after_ack,
    answer_command,
    ephemeral,
    failure_text,
    later,
    open_modal,
)
from bot.slack.incidents import views
from bot.slack.incidents.forms import create_incident_modal
from commands.context import Context
from commands.errors import CommandError
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.incidents.report import incident_report
from commands.incidents.severity import Status
from commands.incidents.slash import IncidentRequest, parse_incident


def incident_error_text(t: Translator, exc: BaseException) -> str:
    """Like `failure_text`, with the help of `/incident` after an unknown sub-command."""
    text = failure_text(t, exc)
    if isinstance(exc, CommandError) and exc.key == "usage.unknown_sub":
        text += "\n\n" + views.help_text(t)
    return text


def run_request(
    ctx: Context, t: Translator, request: IncidentRequest, user: str, channel: str
) -> dict:
    """Carry out one parsed `/incident` request; the ephemeral answer for the person."""
    sub = request.sub
    if sub == "help":
        return ephemeral(views.help_text(t))
    if sub == "create":
        incident = incidents.create_incident(
            ctx, IncidentDraft(title=request.title, severity=request.severity, created_by=user)
        )
        text = t("created", id=incident.id, severity=incident.severity)
        text += f"\n{views.escape(incident.title)}\n" + t(
            "created.where", channel=_channel(incident.channel)
        )
        if given := incidents.title_cut(request.title):
            text += "\n" + t("created.title_cut", given=given, kept=incidents.TITLE_MAX)
        return ephemeral(text)
    if sub == "ack":
        return _acknowledge(ctx, t, request.incident_id, user, channel)
    if sub == "status":
        incident = incidents.set_status(
            ctx, request.incident_id, request.status, actor=user, note=request.text
        )
        return ephemeral(t("done.status", id=incident.id, status=t.status(incident.status)))
    if sub == "severity":
        incident = incidents.set_severity(ctx, request.incident_id, request.severity, actor=user)
        return ephemeral(t("done.severity", id=incident.id, severity=incident.severity))
    if sub == "root-cause":
        incident = incidents.set_root_cause(ctx, request.incident_id, request.text, actor=user)
        return ephemeral(t("done.root_cause", id=incident.id))
    if sub == "resolution":
        incident = incidents.set_resolution(ctx, request.incident_id, request.text, actor=user)
        return ephemeral(t("done.resolution", id=incident.id))
    if sub == "note":
        incident = incidents.add_note(ctx, request.incident_id, request.text, actor=user)
        return ephemeral(t("done.note", id=incident.id))
    if sub == "resolve":
        incident = incidents.resolve(ctx, request.incident_id, actor=user, resolution=request.text)
        return ephemeral(t("done.status", id=incident.id, status=t.status(Status.RESOLVED)))
    if sub == "close":
        incident = incidents.close(ctx, request.incident_id, actor=user)
        key = "done.closed_postmortem" if incident.postmortem_required else "done.closed"
        return ephemeral(t(key, id=incident.id))
    if sub == "postmortem":
        incident = incidents.record_postmortem(ctx, request.incident_id, request.text, actor=user)
        return ephemeral(t("done.postmortem", id=incident.id))
    if sub == "list":
        found = incidents.list_incidents(ctx, open_only=not request.show_all)
        message = views.incident_list(found, t, open_only=not request.show_all)
        return ephemeral(message["text"], message["blocks"])
    if sub == "report":
        return report_answer(ctx, t, request.days)
    raise AssertionError(f"unhandled sub-command {sub}")


def report_answer(ctx: Context, t: Translator, days: int | None) -> dict:
    message = views.report_message(incident_report(ctx, days=days), t)
    return ephemeral(message["text"], message["blocks"])


def _channel(channel: str) -> str:
    return f"<#{channel}>" if channel[:1] in ("C", "G") and channel[1:].isalnum() else channel


def _acknowledge(ctx: Context, t: Translator, incident_id: str, user: str, channel: str) -> dict:
    if not incident_id:
        here = incidents.unacknowledged(ctx, channel=channel)
        if len(here) == 1:
            incident_id = here[0].id
        else:
            # Several here, or none here but some elsewhere: let the person pick.
            candidates = here or incidents.unacknowledged(ctx)
            if not candidates:
                return ephemeral(t("ack.none_open"))
            chooser = views.ack_chooser(candidates, t)
            return ephemeral(chooser["text"], chooser["blocks"])
    result = incidents.acknowledge(ctx, incident_id, user)
    return ephemeral(views.ack_answer(t, result))


def register(app: App, runtime: Runtime) -> None:
    @app.command("/incident")
    def incident_command(ack: Ack, command: dict, respond: Respond) -> None:
        t = runtime.t
        user = str(command.get("user_id") or "")
        channel = str(command.get("channel_id") or "")
        try:
            request = parse_incident(str(command.get("text") or ""))
        except CommandError as exc:
            ack(**ephemeral(incident_error_text(t, exc)))
            return
        if request.sub == "create" and not request.title:
            ack()  # the form opens after the ack
            view = create_incident_modal(t, metadata={"channel": channel})
            trigger = command.get("trigger_id")
            later(runtime, lambda: open_modal(runtime, trigger, view), respond, command)
            return
        if request.sub == "report":
            # A period of history: counted after the ack, answered through the response_url.
            ack()
            report = partial(report_answer, runtime.ctx, t, request.days)
            answer_after_ack(runtime, command, respond, report, incident_error_text)
            return
        answered = answer_command(
            ack, t, lambda: run_request(runtime.ctx, t, request, user, channel), incident_error_text
        )
        if answered:
            runtime.changed()
