"""Modals: declare an incident, update its status, resolve it; and reading their answers."""

import json

from bot.i18n import Translator
from bot.slack.blocks import plain
from bot.slack.ids import Block, Callback, Element
from bot.slack.limits import MODAL_TITLE_MAX, OPTION_MAX
from commands.incidents.lifecycle import COMPONENT_MAX, TEXT_MAX, TITLE_MAX, IncidentDraft
from commands.incidents.severity import SEVERITY_NAMES, Status

# Slack caps plain_text_input max_length at 3000.
INPUT_MAX = 3000


def _option(label: str, value: str) -> dict:
    return {"text": plain(label, OPTION_MAX), "value": value}


def _input(
    block: Block, label: str, element: dict, *, optional: bool = False, hint: str | None = None
) -> dict:
    spec: dict = {
        "type": "input",
        "block_id": block.value,
        "label": plain(label, 2000),
        "element": {"action_id": Element.VALUE.value, **element},
        "optional": optional,
    }
    if hint:
        spec["hint"] = plain(hint, 2000)
    return spec


def _modal(
    callback: Callback, title: str, submit: str, t: Translator, blocks: list, meta: dict
) -> dict:
    return {
        "type": "modal",
        "callback_id": callback.value,
        "title": plain(title, MODAL_TITLE_MAX),
        "submit": plain(submit, MODAL_TITLE_MAX),
        "close": plain(t("modal.cancel"), MODAL_TITLE_MAX),
        "private_metadata": json.dumps(meta),
        "blocks": blocks,
    }


def create_incident_modal(
    t: Translator, draft: IncidentDraft | None = None, metadata: dict | None = None
) -> dict:
    """The declaration form, blank or filled in from a draft (an alert group's)."""
    draft = draft or IncidentDraft(title="", severity="Sev3")
    title, description, severity = draft.title, draft.description, draft.severity
    components = ", ".join(draft.components)
    severity_options = [_option(t(f"severity.{name}"), name) for name in SEVERITY_NAMES]
    initial = next((o for o in severity_options if o["value"] == severity), severity_options[2])
    title_input: dict = {
        "type": "plain_text_input",
        "max_length": min(TITLE_MAX, INPUT_MAX),
        "placeholder": plain(t("modal.title_hint"), 150),
    }
    if title:
        title_input["initial_value"] = title[:TITLE_MAX]
    description_input: dict = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": min(TEXT_MAX, INPUT_MAX),
    }
    if description:
        description_input["initial_value"] = description[:INPUT_MAX]
    components_input: dict = {"type": "plain_text_input", "max_length": COMPONENT_MAX * 10}
    if components:
        components_input["initial_value"] = components[: COMPONENT_MAX * 10]
    blocks = [
        _input(Block.TITLE, t("modal.title"), title_input),
        _input(
            Block.SEVERITY,
            t("modal.severity"),
            {"type": "static_select", "options": severity_options, "initial_option": initial},
        ),
        _input(Block.DESCRIPTION, t("modal.description"), description_input, optional=True),
        _input(Block.COMPONENTS, t("modal.components"), components_input, optional=True),
    ]
    return _modal(
        Callback.CREATE_INCIDENT,
        t("modal.create_title"),
        t("modal.submit"),
        t,
        blocks,
        metadata or {},
    )


def status_modal(
    t: Translator, incident_id: str, current: str, metadata: dict | None = None
) -> dict:
    choices = [Status.INVESTIGATING, Status.MITIGATED, Status.RESOLVED]
    if current == Status.RESOLVED:
        choices = [Status.INVESTIGATING, Status.CLOSED]
    options = [_option(t.status(s), s.value) for s in choices]
    blocks = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{incident_id}* — {t.status(current)}"},
        },
        _input(
            Block.STATUS,
            t("modal.status"),
            {"type": "static_select", "options": options, "initial_option": options[0]},
        ),
        _input(
            Block.NOTE,
            t("modal.note"),
            {"type": "plain_text_input", "multiline": True, "max_length": INPUT_MAX},
            optional=True,
        ),
    ]
    meta = {"incident_id": incident_id, **(metadata or {})}
    return _modal(Callback.UPDATE_STATUS, t("modal.status_title"), t("modal.save"), t, blocks, meta)


def resolve_modal(t: Translator, incident_id: str, metadata: dict | None = None) -> dict:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{incident_id}*"}},
        _input(
            Block.RESOLUTION,
            t("modal.resolution"),
            {"type": "plain_text_input", "multiline": True, "max_length": INPUT_MAX},
            optional=True,
        ),
    ]
    meta = {"incident_id": incident_id, **(metadata or {})}
    return _modal(
        Callback.RESOLVE_INCIDENT, t("modal.resolve_title"), t("button.resolve"), t, blocks, meta
    )


def submitted_values(view: dict) -> dict[str, str]:
    """The answers of a submitted modal as {block_id: text}; absent or empty answers are ''."""
    values: dict[str, str] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, actions in state.items():
        if not isinstance(actions, dict):
            continue
        answer = actions.get(Element.VALUE.value) or {}
        if not isinstance(answer, dict):
            continue
        selected = answer.get("selected_option")
        if isinstance(selected, dict):
            values[block_id] = str(selected.get("value") or "")
        else:
            values[block_id] = str(answer.get("value") or "")
    return values


def metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
