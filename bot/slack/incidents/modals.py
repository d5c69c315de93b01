"""Submitted incident forms. Validation errors go back into the form, next to the field."""

import logging

from slack_bolt import Ack, App

from bot.runtime import Runtime
from bot.slack.api import SlackFailure, call
from bot.slack.common import failure_text, user_id
from bot.slack.ids import Block, Callback
from bot.slack.incidents.forms import metadata, submitted_values
from commands.alerts import actions, groups
from commands.errors import CommandError
from commands.incidents import lifecycle as incidents

log = logging.getLogger(__name__)


def _field_for(error: CommandError) -> Block:
    if error.key == "error.unknown_severity":
        return Block.SEVERITY
    if error.key in ("error.unknown_status", "error.bad_transition", "error.status_unchanged"):
        return Block.STATUS
    return Block.TITLE


def register(app: App, runtime: Runtime) -> None:
    def confirm(channel: str | None, user: str, text: str) -> None:
        if not channel:
            return
        try:
            call(runtime.client, "chat.postEphemeral", channel=channel, user=user, text=text)
        except SlackFailure as failure:
            log.info("could not confirm to %s in %s: %s", user, channel, failure)

    @app.view(Callback.CREATE_INCIDENT.value)
    def create(ack: Ack, body: dict, view: dict) -> None:
        t = runtime.t
        values = submitted_values(view)
        if not values.get(Block.TITLE, "").strip():
            ack(response_action="errors", errors={Block.TITLE.value: t("error.field_required")})
            return
        fields = {
            "title": values.get(Block.TITLE, ""),
            "severity": values.get(Block.SEVERITY, ""),
            "description": values.get(Block.DESCRIPTION, ""),
            "components": [values.get(Block.COMPONENTS, "")],
            "created_by": user_id(body),
        }
        group_id = metadata(view).get("alert_group_id")
        try:
            if group_id is not None:
                # Declared from an alert's button: the incident and the alert group are
                # linked in the same transaction.
                incident = actions.declare_incident(
                    runtime.ctx, groups.parse_group_id(group_id), **fields
                )
            else:
                incident = incidents.create_incident(runtime.ctx, **fields)
        except CommandError as error:
            ack(response_action="errors", errors={_field_for(error).value: failure_text(t, error)})
            return
        except Exception as exc:
            ack(response_action="errors", errors={Block.TITLE.value: failure_text(t, exc)})
            return
        ack()
        runtime.changed()
        channel, user = metadata(view).get("channel"), user_id(body)
        text = t("created", id=incident.id, severity=incident.severity)
        runtime.later(lambda: confirm(channel, user, text))

    @app.view(Callback.UPDATE_STATUS.value)
    def update_status(ack: Ack, body: dict, view: dict) -> None:
        t = runtime.t
        values = submitted_values(view)
        try:
            incidents.set_status(
                runtime.ctx,
                str(metadata(view).get("incident_id") or ""),
                values.get(Block.STATUS, ""),
                actor=user_id(body),
                note=values.get(Block.NOTE, ""),
            )
        except Exception as exc:
            field = _field_for(exc) if isinstance(exc, CommandError) else Block.STATUS
            ack(response_action="errors", errors={field.value: failure_text(t, exc)})
            return
        ack()
        runtime.changed()

    @app.view(Callback.RESOLVE_INCIDENT.value)
    def resolve(ack: Ack, body: dict, view: dict) -> None:
        t = runtime.t
        values = submitted_values(view)
        try:
            incidents.resolve(
                runtime.ctx,
                str(metadata(view).get("incident_id") or ""),
                actor=user_id(body),
                resolution=values.get(Block.RESOLUTION, ""),
            )
        except Exception as exc:
            ack(response_action="errors", errors={Block.RESOLUTION.value: failure_text(t, exc)})
            return
        ack()
        runtime.changed()
