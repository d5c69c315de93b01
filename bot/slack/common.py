"""Words for a person who asked: errors, usage and help, from the message catalog."""

import logging
import uuid

from slack_bolt import Respond

from bot.i18n import Translator
from bot.slack.blocks import escape, who
from commands.errors import CommandError
from commands.incidents.lifecycle import AckResult
from commands.incidents.severity import SEVERITY_NAMES, Status
from commands.incidents.slash import USAGE
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)


def tell(respond: Respond, text: str, *, replace: bool = False) -> None:
    """An ephemeral word to the person who pressed a button. What they did is already
    recorded, so Slack being down must not turn it into an error."""
    try:
        respond(response_type="ephemeral", text=text, replace_original=replace)
    except Exception as exc:
        log.warning("could not answer through response_url: %s", exc)


_STATUS_PARAMS = ("status", "current", "target")
_HELP_KEYS = {
    "create": ("usage.create_modal", "usage.create"),
    "ack": ("usage.ack",),
    "status": ("usage.status",),
    "severity": ("usage.severity",),
    "root-cause": ("usage.root_cause",),
    "resolution": ("usage.resolution",),
    "note": ("usage.note",),
    "resolve": ("usage.resolve",),
    "close": ("usage.close",),
    "postmortem": ("usage.postmortem",),
    "list": ("usage.list",),
    "report": ("usage.report",),
    "help": ("usage.help",),
}


def help_text(t: Translator) -> str:
    lines = [t("usage.header")]
    for sub, usage in USAGE.items():
        keys = _HELP_KEYS[sub]
        if sub == "create":
            lines.append(f"• `/incident create` — {t(keys[0])}")
            lines.append(f"• `/incident create sev2 &lt;title&gt;` — {t(keys[1])}")
            continue
        lines.append(f"• `{escape(usage)}` — {t(keys[0])}")
    lines.append(
        t(
            "usage.severities",
            levels=", ".join(SEVERITY_NAMES),
            statuses=", ".join(s.value for s in Status),
        )
    )
    return "\n".join(lines)


def error_text(t: Translator, error: CommandError) -> str:
    params = dict(error.params)
    for name in _STATUS_PARAMS:
        if name in params and str(params[name]) in {s.value for s in Status}:
            params[name] = t.status(str(params[name]))
    if error.key == "usage.missing":
        params["what"] = t(f"usage.arg.{params['what']}")
        params["usage"] = escape(str(params["usage"]))
    if error.key == "error.text_required":
        params["field"] = t(f"field.{params['field']}")
    text = t(error.key, **params)
    if error.key == "usage.unknown_sub":
        text += "\n\n" + help_text(t)
    return text


def failure_text(t: Translator, exc: BaseException) -> str:
    """What to tell a person when their request failed."""
    if isinstance(exc, CommandError):
        return error_text(t, exc)
    if isinstance(exc, DatabaseUnavailable):
        log.error("database unavailable: %s", exc)
        return t("error.database")
    reference = uuid.uuid4().hex[:8]
    log.error("request failed (reference %s)", reference, exc_info=exc)
    return t("error.internal", ref=reference)


def ack_answer(t: Translator, result: AckResult) -> str:
    incident = result.incident
    if result.acknowledged:
        return t("ack.done", id=incident.id)
    return t(
        "ack.already",
        id=incident.id,
        who=who(incident.acknowledged_by or "?"),
        time=t.time(incident.acknowledged_at, seconds=True),
    )


def user_id(body: dict) -> str:
    """The ID of the person behind an interaction payload ('' when absent)."""
    return str((body.get("user") or {}).get("id") or "")
