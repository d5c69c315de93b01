"""Buttons on incident messages: Acknowledge, Update status, Resolve."""

from slack_bolt import App

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.slack.common import on_button, open_modal, pressed_value, user_id
from bot.slack.ids import Action
from bot.slack.incidents.forms import resolve_modal, status_modal
from bot.slack.incidents.views import ack_answer
from commands.incidents import lifecycle as incidents


def register(app: App, runtime: Runtime) -> None:
    def acknowledge(body: dict, t: Translator) -> str:
        result = incidents.acknowledge(runtime.ctx, pressed_value(body), user_id(body))
        return ack_answer(t, result)

    def update_status(body: dict, t: Translator) -> None:
        incident = incidents.get_incident(runtime.ctx, pressed_value(body))
        open_modal(runtime, body.get("trigger_id"), status_modal(t, incident.id, incident.status))

    def resolve(body: dict, t: Translator) -> None:
        incident = incidents.get_incident(runtime.ctx, pressed_value(body))
        open_modal(runtime, body.get("trigger_id"), resolve_modal(t, incident.id))

    on_button(app, runtime, Action.ACKNOWLEDGE, acknowledge)
    on_button(app, runtime, Action.UPDATE_STATUS, update_status)
    on_button(app, runtime, Action.RESOLVE, resolve)
