"""Submitted incident forms. Validation errors go back into the form, next to the field."""

from collections.abc import Callable

from slack_bolt import App

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.slack.common import FieldError, on_form, tell_in_channel, user_id
from bot.slack.ids import Block, Callback
from bot.slack.incidents.forms import metadata, submitted_values
from commands.alerts import actions, groups
from commands.errors import CommandError
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft


def _field_for(error: CommandError) -> Block:
    if error.key == "error.unknown_severity":
        return Block.SEVERITY
    if error.key in ("error.unknown_status", "error.bad_transition", "error.status_unchanged"):
        return Block.STATUS
    return Block.TITLE


def register(app: App, runtime: Runtime) -> None:
    def create(body: dict, view: dict, t: Translator) -> Callable[[], None]:
        values = submitted_values(view)
        if not values.get(Block.TITLE, "").strip():
            raise FieldError(Block.TITLE, t("error.field_required"))
        draft = IncidentDraft(
            title=values.get(Block.TITLE, ""),
            severity=values.get(Block.SEVERITY, ""),
            description=values.get(Block.DESCRIPTION, ""),
            components=[values.get(Block.COMPONENTS, "")],
            created_by=user_id(body),
        )
        group_id = metadata(view).get("alert_group_id")
        if group_id is not None:
            # Declared from an alert's button: the incident and the alert group are linked
            # in the same transaction.
            incident = actions.declare_incident(runtime.ctx, groups.parse_group_id(group_id), draft)
        else:
            incident = incidents.create_incident(runtime.ctx, draft)
        channel, user = metadata(view).get("channel"), user_id(body)
        text = t("created", id=incident.id, severity=incident.severity)
        return lambda: tell_in_channel(runtime, channel, user, text)

    def update_status(body: dict, view: dict, t: Translator) -> None:
        values = submitted_values(view)
        incidents.set_status(
            runtime.ctx,
            str(metadata(view).get("incident_id") or ""),
            values.get(Block.STATUS, ""),
            actor=user_id(body),
            note=values.get(Block.NOTE, ""),
        )

    def resolve(body: dict, view: dict, t: Translator) -> None:
        incidents.resolve(
            runtime.ctx,
            str(metadata(view).get("incident_id") or ""),
            actor=user_id(body),
            resolution=submitted_values(view).get(Block.RESOLUTION, ""),
        )

    on_form(app, runtime, Callback.CREATE_INCIDENT, create, _field_for)
    on_form(app, runtime, Callback.UPDATE_STATUS, update_status, lambda _: Block.STATUS)
    on_form(app, runtime, Callback.RESOLVE_INCIDENT, resolve, lambda _: Block.RESOLUTION)
