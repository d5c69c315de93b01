"""Buttons on incident messages: Acknowledge, Update status, Resolve.

Each press is acknowledged at once; the work and the answer to the person follow.
"""

import logging

from slack_bolt import Ack, App, Respond

from bot.runtime import Runtime
from bot.slack.api import SlackFailure, call
from bot.slack.common import ack_answer, failure_text, tell, user_id
from bot.slack.ids import Action
from bot.slack.incidents.forms import resolve_modal, status_modal
from commands.incidents import lifecycle as incidents

log = logging.getLogger(__name__)


def _incident_id(body: dict) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _pressed_in_ephemeral(body: dict) -> bool:
    return bool((body.get("container") or {}).get("is_ephemeral"))


def register(app: App, runtime: Runtime) -> None:
    def acknowledge_pressed(body: dict, respond: Respond) -> None:
        t = runtime.t
        try:
            result = incidents.acknowledge(runtime.ctx, _incident_id(body), user_id(body))
        except Exception as exc:
            tell(respond, failure_text(t, exc))
            return
        runtime.changed()
        tell(respond, ack_answer(t, result), replace=_pressed_in_ephemeral(body))

    def open_form(body: dict, respond: Respond, build_view: str) -> None:
        t = runtime.t
        try:
            incident = incidents.get_incident(runtime.ctx, _incident_id(body))
            if build_view == "status":
                view = status_modal(t, incident.id, incident.status)
            else:
                view = resolve_modal(t, incident.id)
            call(runtime.client, "views.open", trigger_id=body.get("trigger_id"), view=view)
        except SlackFailure as failure:
            log.warning("could not open the %s form: %s", build_view, failure)
            tell(respond, t("error.internal", ref=failure.error))
        except Exception as exc:
            tell(respond, failure_text(t, exc))

    @app.action(Action.ACKNOWLEDGE.value)
    def acknowledge(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        runtime.later(lambda: acknowledge_pressed(body, respond))

    @app.action(Action.UPDATE_STATUS.value)
    def update_status(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        runtime.later(lambda: open_form(body, respond, "status"))

    @app.action(Action.RESOLVE.value)
    def resolve(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        runtime.later(lambda: open_form(body, respond, "resolve"))
