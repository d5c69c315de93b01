"""Buttons on incident messages: Acknowledge, Update status, Resolve."""

import logging

from slack_bolt import Ack, App, Respond

from bot.answers import failure_text
from bot.ids import Action
from bot.listeners.incident_commands import ack_answer
from bot.runtime import Runtime
from bot.slack_api import SlackFailure, call
from bot.views.modals import resolve_modal, status_modal
from commands import incidents

log = logging.getLogger(__name__)


def _incident_id(body: dict) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _tell(respond: Respond, text: str, *, replace: bool = False) -> None:
    """An ephemeral word to the person who pressed; Slack being down must not break the press."""
    try:
        respond(response_type="ephemeral", text=text, replace_original=replace)
    except Exception as exc:  # the state change is already recorded
        log.warning("could not answer through response_url: %s", exc)


def _pressed_in_ephemeral(body: dict) -> bool:
    return bool((body.get("container") or {}).get("is_ephemeral"))


def register(app: App, runtime: Runtime) -> None:
    @app.action(Action.ACKNOWLEDGE.value)
    def acknowledge(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        t = runtime.t
        user = str((body.get("user") or {}).get("id") or "")
        try:
            result = incidents.acknowledge(runtime.ctx, _incident_id(body), user)
        except Exception as exc:
            _tell(respond, failure_text(t, exc))
            return
        runtime.changed()
        _tell(respond, ack_answer(t, result), replace=_pressed_in_ephemeral(body))

    @app.action(Action.UPDATE_STATUS.value)
    def update_status(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        t = runtime.t
        try:
            incident = incidents.get_incident(runtime.ctx, _incident_id(body))
            view = status_modal(t, incident.id, incident.status)
            call(runtime.client, "views.open", trigger_id=body.get("trigger_id"), view=view)
        except SlackFailure as failure:
            log.warning("could not open the status form: %s", failure)
            _tell(respond, t("error.internal", ref=failure.error))
        except Exception as exc:
            _tell(respond, failure_text(t, exc))

    @app.action(Action.RESOLVE.value)
    def resolve(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        t = runtime.t
        try:
            incident = incidents.get_incident(runtime.ctx, _incident_id(body))
            call(
                runtime.client,
                "views.open",
                trigger_id=body.get("trigger_id"),
                view=resolve_modal(t, incident.id),
            )
        except SlackFailure as failure:
            log.warning("could not open the resolve form: %s", failure)
            _tell(respond, t("error.internal", ref=failure.error))
        except Exception as exc:
            _tell(respond, failure_text(t, exc))
