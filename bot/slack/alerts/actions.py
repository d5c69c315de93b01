"""Buttons on alert messages: Acknowledge, Declare incident, Silence; and the silence form."""

from collections.abc import Callable

from slack_bolt import App

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.slack.alerts.views import SILENCE_CHOICES, silence_modal, title_of
from bot.slack.blocks import escape, who
from bot.slack.common import (
    FieldError,
    channel_of,
    failure_text,
    on_button,
    on_form,
    open_modal,
    pressed_value,
    tell_in_channel,
    user_id,
)
from bot.slack.ids import Action, Block, Callback
from bot.slack.incidents.forms import create_incident_modal, metadata, submitted_values
from commands.alerts import actions, groups
from commands.errors import CommandError


def _display_name(body: dict) -> str:
    user = body.get("user") or {}
    name = str(user.get("username") or user.get("name") or "")
    return f"{name} ({user_id(body)})" if name else user_id(body)


def register(app: App, runtime: Runtime) -> None:
    def acknowledge(body: dict, t: Translator) -> str:
        group_id = groups.parse_group_id(pressed_value(body))
        result = actions.acknowledge(runtime.ctx, group_id, user_id(body))
        group = result.group
        title = escape(title_of(group))
        if result.acknowledged:
            return t("alert.ack_done", title=title)
        return t(
            "alert.ack_already",
            title=title,
            who=who(group.acknowledged_by or "?"),
            time=t.time(group.acknowledged_at, seconds=True),
        )

    def declare(body: dict, t: Translator) -> str | None:
        group_id = groups.parse_group_id(pressed_value(body))
        group = groups.get_group(runtime.ctx, group_id)
        if group.incident_id is not None:
            return t("alert.already_declared", id=group.incident_id)
        draft = actions.draft_incident(runtime.ctx, group_id)
        meta = {"channel": channel_of(body) or "", "alert_group_id": group_id}
        view = create_incident_modal(t, draft, meta)
        open_modal(runtime, body.get("trigger_id"), view)
        return None

    def silence(body: dict, t: Translator) -> None:
        if not runtime.ctx.config.alerts.alertmanager_url:
            raise CommandError("alert.silence_unconfigured")
        group = groups.get_group(runtime.ctx, groups.parse_group_id(pressed_value(body)))
        if not group.common_labels:
            raise CommandError("alert.silence_no_labels")
        view = silence_modal(t, group, {"channel": channel_of(body) or ""})
        open_modal(runtime, body.get("trigger_id"), view)

    def silence_submitted(body: dict, view: dict, t: Translator) -> Callable[[], None]:
        values, meta = submitted_values(view), metadata(view)
        try:
            hours = int(values.get(Block.SILENCE_HOURS, ""))
        except ValueError:
            hours = 0
        if hours not in SILENCE_CHOICES:
            error = t("alert.silence_bad_duration", max=max(SILENCE_CHOICES))
            raise FieldError(Block.SILENCE_HOURS, error)
        group_id = groups.parse_group_id(meta.get("group_id"))
        channel, note = str(meta.get("channel") or ""), values.get(Block.NOTE, "")
        # Alertmanager may take seconds: the silence is made after the ack.
        return lambda: create_silence(group_id, hours, body, note, channel)

    def create_silence(group_id: int, hours: int, body: dict, note: str, channel: str) -> None:
        t = runtime.t
        try:
            group = groups.get_group(runtime.ctx, group_id)
            comment = t("alert.silence_comment", who=_display_name(body), title=title_of(group))
            if note.strip():
                comment += f" — {note.strip()}"
            actions.silence(
                runtime.ctx,
                group_id,
                hours=hours,
                user=user_id(body),
                created_by=_display_name(body),
                comment=comment,
            )
        except Exception as exc:  # every failure becomes words for the person
            tell_in_channel(runtime, channel, user_id(body), failure_text(t, exc))
            return
        runtime.changed()

    on_button(app, runtime, Action.ALERT_ACKNOWLEDGE, acknowledge)
    on_button(app, runtime, Action.ALERT_DECLARE_INCIDENT, declare)
    on_button(app, runtime, Action.ALERT_SILENCE, silence)
    on_form(app, runtime, Callback.SILENCE_ALERTS, silence_submitted, lambda _: Block.SILENCE_HOURS)
