"""Buttons on alert messages: Acknowledge, Declare incident, Silence; and the silence form.

Each press is acknowledged at once; the work and the answer to the person follow.
"""

import logging

from slack_bolt import Ack, App, Respond

from bot.runtime import Runtime
from bot.slack.alerts.views import SILENCE_CHOICES, silence_modal, title_of
from bot.slack.api import SlackFailure, call
from bot.slack.blocks import escape, who
from bot.slack.common import failure_text, tell, user_id
from bot.slack.ids import Action, Block, Callback
from bot.slack.incidents.forms import create_incident_modal, metadata, submitted_values
from commands.alerts import actions, groups
from commands.errors import CommandError

log = logging.getLogger(__name__)


def _group_id(body: dict) -> int:
    pressed = body.get("actions") or [{}]
    return groups.parse_group_id(pressed[0].get("value") or "")


def _channel(body: dict) -> str:
    return str((body.get("channel") or {}).get("id") or "")


def _display_name(body: dict) -> str:
    user = body.get("user") or {}
    name = str(user.get("username") or user.get("name") or "")
    return f"{name} ({user_id(body)})" if name else user_id(body)


def register(app: App, runtime: Runtime) -> None:
    def acknowledge_pressed(body: dict, respond: Respond) -> None:
        t = runtime.t
        try:
            result = actions.acknowledge(runtime.ctx, _group_id(body), user_id(body))
        except Exception as exc:
            tell(respond, failure_text(t, exc))
            return
        runtime.changed()
        title = escape(title_of(result.group))
        if result.acknowledged:
            tell(respond, t("alert.ack_done", title=title))
            return
        group = result.group
        tell(
            respond,
            t(
                "alert.ack_already",
                title=title,
                who=who(group.acknowledged_by or "?"),
                time=t.time(group.acknowledged_at, seconds=True),
            ),
        )

    def open_declare_form(body: dict, respond: Respond) -> None:
        t = runtime.t
        try:
            group_id = _group_id(body)
            group = groups.get_group(runtime.ctx, group_id)
            if group.incident_id is not None:
                tell(respond, t("alert.already_declared", id=group.incident_id))
                return
            draft = actions.draft_incident(runtime.ctx, group_id)
            view = create_incident_modal(
                t,
                title=draft.title,
                description=draft.description,
                severity=draft.severity,
                components=", ".join(draft.components),
                metadata={"channel": _channel(body), "alert_group_id": group_id},
            )
            call(runtime.client, "views.open", trigger_id=body.get("trigger_id"), view=view)
        except SlackFailure as failure:
            log.warning("could not open the incident form: %s", failure)
            tell(respond, t("error.internal", ref=failure.error))
        except Exception as exc:
            tell(respond, failure_text(t, exc))

    def open_silence_form(body: dict, respond: Respond) -> None:
        t = runtime.t
        try:
            if not runtime.ctx.config.alerts.alertmanager_url:
                raise CommandError("alert.silence_unconfigured")
            group = groups.get_group(runtime.ctx, _group_id(body))
            if not group.common_labels:
                raise CommandError("alert.silence_no_labels")
            view = silence_modal(t, group, {"channel": _channel(body)})
            call(runtime.client, "views.open", trigger_id=body.get("trigger_id"), view=view)
        except SlackFailure as failure:
            log.warning("could not open the silence form: %s", failure)
            tell(respond, t("error.internal", ref=failure.error))
        except Exception as exc:
            tell(respond, failure_text(t, exc))

    def tell_in_channel(channel: str | None, user: str, text: str) -> None:
        if not channel:
            return
        try:
            call(runtime.client, "chat.postEphemeral", channel=channel, user=user, text=text)
        except SlackFailure as failure:
            log.info("could not tell %s in %s: %s", user, channel, failure)

    def create_silence(group_id: int, hours: int, body: dict, note: str, channel: str) -> None:
        t = runtime.t
        user = user_id(body)
        try:
            group = groups.get_group(runtime.ctx, group_id)
            comment = t("alert.silence_comment", who=_display_name(body), title=title_of(group))
            if note.strip():
                comment += f" — {note.strip()}"
            actions.silence(
                runtime.ctx,
                group_id,
                hours=hours,
                user=user,
                created_by=_display_name(body),
                comment=comment,
            )
        except Exception as exc:
            tell_in_channel(channel, user, failure_text(t, exc))
            return
        runtime.changed()

    @app.action(Action.ALERT_ACKNOWLEDGE.value)
    def acknowledge(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        runtime.later(lambda: acknowledge_pressed(body, respond))

    @app.action(Action.ALERT_DECLARE_INCIDENT.value)
    def declare(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        runtime.later(lambda: open_declare_form(body, respond))

    @app.action(Action.ALERT_SILENCE.value)
    def silence(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        runtime.later(lambda: open_silence_form(body, respond))

    @app.view(Callback.SILENCE_ALERTS.value)
    def silence_submitted(ack: Ack, body: dict, view: dict) -> None:
        t = runtime.t
        values = submitted_values(view)
        meta = metadata(view)
        try:
            hours = int(values.get(Block.SILENCE_HOURS, ""))
        except ValueError:
            hours = 0
        if hours not in SILENCE_CHOICES:
            error = t("alert.silence_bad_duration", max=max(SILENCE_CHOICES))
            ack(response_action="errors", errors={Block.SILENCE_HOURS.value: error})
            return
        try:
            group_id = groups.parse_group_id(meta.get("group_id"))
        except CommandError as exc:
            ack(response_action="errors", errors={Block.SILENCE_HOURS.value: failure_text(t, exc)})
            return
        ack()
        channel = str(meta.get("channel") or "")
        note = values.get(Block.NOTE, "")
        runtime.later(lambda: create_silence(group_id, hours, body, note, channel))
