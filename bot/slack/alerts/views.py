"""Alert messages: the group's parent (kept current), its thread replies, the silence form.

The parent reads like the guide's alert: "High API Error Rate, current 2.5% (threshold 1%),
for 5 minutes, runbook api_high_error_rate, dashboard link".
"""

import json
import re
from datetime import datetime

from bot.i18n import Translator
from bot.slack.blocks import (
    button,
    cut,
    escape,
    message,
    mrkdwn,
    plain,
    quote,
    section_message,
    who,
)
from bot.slack.ids import Action, Block, Callback, Element
from bot.slack.incidents.views import SEVERITY_EMOJI
from bot.slack.limits import (
    CONTEXT_MAX,
    FIELD_MAX,
    HEADER_MAX,
    MESSAGE_TEXT_MAX,
    MODAL_TITLE_MAX,
    OPTION_MAX,
    SECTION_MAX,
)
from commands.alerts.groups import GroupSnapshot
from commands.alerts.messages import FIRING, SOURCE_NAMES
from commands.config import Config
from storage.models import Alert, AlertGroup

SHOWN_ALERTS = 10
SILENCE_CHOICES = (1, 2, 4, 8, 24, 72)  # hours
_URL = re.compile(r"^https?://[^\s<>|]+$")
_MENTION = re.compile(r"^(?:[UW][A-Z0-9]{2,}|S[A-Z0-9]{2,}|here|channel)$")


def _link(url: object) -> str | None:
    """A URL safe to put in `<url|text>`, or None."""
    text = str(url or "").strip()
    return text if len(text) <= 2000 and _URL.match(text) else None


def title_of(group: AlertGroup, alerts: list[Alert] | None = None) -> str:
    """The alert's name: the group's common `alertname`, else Grafana's title, else the
    names of its alerts."""
    labels = group.common_labels or {}
    if labels.get("alertname"):
        return str(labels["alertname"])
    names = sorted(
        {str(a.labels.get("alertname")) for a in alerts or [] if a.labels.get("alertname")}
    )
    if names:
        return ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    return str((group.extra or {}).get("title") or "alert")


def _annotations(snapshot: GroupSnapshot) -> dict[str, str]:
    """The group's common annotations; with one alert, that alert's own."""
    merged = dict(snapshot.group.common_annotations or {})
    alerts = snapshot.firing or snapshot.resolved
    if len(alerts) == 1:
        merged = {**(alerts[0].annotations or {}), **merged}
    return merged


def _value(snapshot: GroupSnapshot, annotations: dict[str, str]) -> str | None:
    value = annotations.get("value")
    if not value:
        values = {a.value for a in snapshot.firing if a.value}
        if len(values) == 1:
            value = values.pop()
    return value or None


def distinguishing(alert: Alert | dict, common: dict[str, str]) -> str:
    """The labels that set an alert apart in its group, as `k=v` text."""
    labels = alert.get("labels", {}) if isinstance(alert, dict) else alert.labels or {}
    own = {k: v for k, v in labels.items() if common.get(k) != v}
    if not own and labels.get("alertname"):
        own = {"alertname": labels["alertname"]}
    return ", ".join(f"{k}={v}" for k, v in list(own.items())[:6])


def _alert_line(alert: Alert | dict, common: dict[str, str]) -> str:
    labels = distinguishing(alert, common)
    value = alert.get("value") if isinstance(alert, dict) else alert.value
    line = f"• `{escape(cut(labels, 200))}`" if labels else "•"
    if value:
        line += f" — {escape(cut(str(value), 200))}"
    return line


def _links(t: Translator, snapshot: GroupSnapshot, annotations: dict[str, str]) -> list[str]:
    links: list[str] = []
    runbook_url = _link(annotations.get("runbook_url"))
    runbook = (annotations.get("runbook") or "").strip()
    if runbook and _link(runbook):
        runbook_url = runbook_url or _link(runbook)
        runbook = ""
    if runbook:
        links.append(t("alert.runbook", name=escape(cut(runbook, 100))))
    if runbook_url:
        links.append(t("alert.runbook_link", url=runbook_url))
    shown = snapshot.firing or snapshot.resolved
    first = shown[0] if shown else None
    extra = (first.extra or {}) if first is not None else {}
    dashboard = (
        _link(annotations.get("dashboard_url"))
        or _link(annotations.get("dashboard"))
        or _link(extra.get("dashboard_url"))
    )
    if dashboard:
        links.append(t("alert.dashboard_link", url=dashboard))
    panel = _link(extra.get("panel_url"))
    if panel:
        links.append(t("alert.panel_link", url=panel))
    source = _link(first.generator_url) if first is not None else None
    if source:
        links.append(t("alert.source_link", url=source))
    return links


def _mentions(group: AlertGroup) -> str:
    out = []
    for item in group.mentions or []:
        if not _MENTION.match(str(item)):
            continue
        if item in ("here", "channel"):
            out.append(f"<!{item}>")
        elif item.startswith("S"):
            out.append(f"<!subteam^{item}>")
        else:
            out.append(f"<@{item}>")
    return " ".join(out)


def fallback(snapshot: GroupSnapshot, t: Translator) -> str:
    group = snapshot.group
    summary = _annotations(snapshot).get("summary", "")
    state = t("alert.state_firing" if group.status == FIRING else "alert.state_resolved")
    return cut(
        t(
            "alert.fallback",
            state=state,
            title=escape(title_of(group, snapshot.firing)),
            severity=group.severity,
            summary=escape(summary),
        ).strip(),
        MESSAGE_TEXT_MAX,
    )


def parent_message(snapshot: GroupSnapshot, config: Config, t: Translator, now: datetime) -> dict:
    """The alert group's one channel message, kept current with chat.update."""
    group = snapshot.group
    firing = group.status == FIRING
    title = title_of(group, snapshot.firing or snapshot.resolved)
    annotations = _annotations(snapshot)
    emoji = SEVERITY_EMOJI.get(group.severity, ":red_circle:") if firing else ":white_check_mark:"
    header = title if firing else t("alert.header_resolved", title=title)
    if firing:
        state = t("alert.firing_for", duration=t.duration((now - group.started_at).total_seconds()))
    else:
        ended = group.resolved_at or group.last_seen_at
        state = t(
            "alert.resolved_after",
            time=t.clock(ended),
            duration=t.duration((ended - group.started_at).total_seconds()),
        )
    fields = [
        mrkdwn(f"*{t('alert.severity')}*\n{emoji} {group.severity}", FIELD_MAX),
        mrkdwn(f"*{t('alert.status')}*\n{state}", FIELD_MAX),
    ]
    value = _value(snapshot, annotations)
    if value:
        shown = escape(cut(value, 300))
        threshold = annotations.get("threshold")
        if threshold:
            shown = t("alert.value_threshold", value=shown, threshold=escape(cut(threshold, 100)))
        fields.append(mrkdwn(f"*{t('alert.value')}*\n{shown}", FIELD_MAX))
    counts = t("alert.counts", firing=snapshot.firing_count, resolved=snapshot.resolved_count)
    if group.truncated_alerts:  # Alertmanager's max_alerts left some out of the notification
        counts = t(
            "alert.counts_truncated", shown=group.notified_alerts, more=group.truncated_alerts
        )
    fields.append(mrkdwn(f"*{t('alert.alerts')}*\n{counts}", FIELD_MAX))
    if group.acknowledged_at is not None and group.acknowledged_by:
        ack = t("alert.ack_by", who=who(group.acknowledged_by), time=t.clock(group.acknowledged_at))
    else:
        ack = t("alert.ack_nobody")
    fields.append(mrkdwn(f"*{t('alert.acknowledgement')}*\n{ack}", FIELD_MAX))
    if group.incident_id:
        fields.append(mrkdwn(f"*{t('alert.incident')}*\n{escape(group.incident_id)}", FIELD_MAX))

    summary = annotations.get("summary") or (group.extra or {}).get("title") or ""
    text_lines = [f"{emoji} *{escape(cut(str(summary), 500))}*" if summary else emoji]
    description = annotations.get("description") or (group.extra or {}).get("message") or ""
    if description:
        text_lines.append(quote(cut(str(description), 1500)))
    mentions = _mentions(group)
    if mentions:
        text_lines.append(t("alert.cc", mentions=mentions))
    blocks: list[dict] = [
        {"type": "header", "text": plain(header, HEADER_MAX)},
        {"type": "section", "text": mrkdwn("\n".join(text_lines)), "fields": fields[:10]},
    ]
    listed = snapshot.firing if firing else snapshot.resolved
    total = snapshot.firing_count if firing else snapshot.resolved_count
    if total > 1:  # one line per alert, by the labels that set it apart
        common = group.common_labels or {}
        lines = [_alert_line(a, common) for a in listed[:SHOWN_ALERTS]]
        if total > len(lines):
            lines.append(t("alert.more", count=total - len(lines)))
        blocks.append({"type": "section", "text": mrkdwn(cut("\n".join(lines), SECTION_MAX))})
    context = _links(t, snapshot, annotations)
    context.append(t("alert.since", time=t.time(group.started_at)))
    if group.silenced_until is not None and group.silenced_until > now and group.silenced_by:
        context.append(
            t("alert.silenced", who=who(group.silenced_by), time=t.time(group.silenced_until))
        )
    context.append(t("alert.from", source=SOURCE_NAMES.get(group.source, group.source)))
    blocks.append({"type": "context", "elements": [mrkdwn(" · ".join(context), CONTEXT_MAX)]})
    buttons = []
    value_id = str(group.id)
    if firing and group.acknowledged_at is None:
        buttons.append(
            button(t("button.acknowledge"), Action.ALERT_ACKNOWLEDGE, value_id, "primary")
        )
    if group.incident_id is None:
        buttons.append(
            button(t("button.declare_incident"), Action.ALERT_DECLARE_INCIDENT, value_id)
        )
    if firing and config.alerts.alertmanager_url and group.source == "alertmanager":
        buttons.append(button(t("button.silence"), Action.ALERT_SILENCE, value_id))
    if firing and snapshot.runbooks:
        name = snapshot.runbooks[0]
        run = json.dumps({"runbook": name, "ref": f"alert:{group.id}"}, separators=(",", ":"))
        buttons.append(button(t("button.run_runbook", name=name), Action.RUN_RUNBOOK, run))
    if buttons:
        blocks.append({"type": "actions", "block_id": Block.ALERT_ACTIONS, "elements": buttons})
    return message(fallback(snapshot, t), blocks)


def change_reply(args: dict, common: dict[str, str], t: Translator) -> dict:
    """What changed in the group, from the change recorded when the notification came in."""
    parts: list[str] = []
    for kind, key in (("firing", "alert.change_firing"), ("resolved", "alert.change_resolved")):
        count = int(args.get(f"{kind}_count") or 0)
        if not count:
            continue
        listed = [a for a in args.get(kind) or [] if isinstance(a, dict)]
        lines = [t(key, count=count)]
        lines += [_alert_line(a, common) for a in listed[:SHOWN_ALERTS]]
        if count > len(listed[:SHOWN_ALERTS]) and listed:
            lines.append(t("alert.more", count=count - len(listed[:SHOWN_ALERTS])))
        parts.append("\n".join(lines))
    transition = args.get("transition")
    if transition == "resolved":
        lasted = t.duration(float(args.get("lasted_seconds") or 0))
        parts.append(t("alert.change_all_resolved", duration=lasted))
    elif transition == "firing_again":
        parts.insert(0, t("alert.change_firing_again"))
    return section_message("\n".join(parts) or t("alert.change_firing_again"))


def event_reply(args: dict, t: Translator) -> dict:
    kind = args.get("kind")
    actor = who(str(args.get("who") or "?"))
    if kind == "acknowledged":
        body = t("alert.event_acknowledged", who=actor)
    elif kind == "incident":
        body = t("alert.event_incident", id=escape(str(args.get("incident_id"))), who=actor)
    elif kind == "silenced":
        until = datetime.fromisoformat(str(args.get("until")))
        body = t(
            "alert.event_silenced",
            who=actor,
            time=t.time(until),
            id=escape(str(args.get("silence_id"))),
        )
    else:
        body = t(
            "alert.event_silence_failed",
            who=actor,
            error=escape(cut(str(args.get("error") or "?"), 500)),
        )
    return section_message(body)


def _duration_label(t: Translator, hours: int) -> str:
    return t("alert.days", n=hours // 24) if hours % 24 == 0 else t("alert.hours", n=hours)


def silence_modal(t: Translator, group: AlertGroup, metadata: dict | None = None) -> dict:
    matchers = "\n".join(
        f"`{escape(cut(f'{k}={v}', 200))}`" for k, v in sorted((group.common_labels or {}).items())
    )
    options = [
        {"text": plain(_duration_label(t, h), OPTION_MAX), "value": str(h)} for h in SILENCE_CHOICES
    ]
    blocks = [
        {"type": "section", "text": mrkdwn(t("alert.silence_matchers", matchers=matchers))},
        {
            "type": "input",
            "block_id": Block.SILENCE_HOURS.value,
            "label": plain(t("alert.silence_duration"), 2000),
            "element": {
                "action_id": Element.VALUE.value,
                "type": "static_select",
                "options": options,
                "initial_option": options[0],
            },
        },
        {
            "type": "input",
            "block_id": Block.NOTE.value,
            "label": plain(t("alert.silence_note"), 2000),
            "element": {
                "action_id": Element.VALUE.value,
                "type": "plain_text_input",
                "max_length": 1000,
            },
            "optional": True,
        },
    ]
    return {
        "type": "modal",
        "callback_id": Callback.SILENCE_ALERTS.value,
        "title": plain(t("alert.silence_title"), MODAL_TITLE_MAX),
        "submit": plain(t("alert.silence_submit"), MODAL_TITLE_MAX),
        "close": plain(t("modal.cancel"), MODAL_TITLE_MAX),
        "private_metadata": json.dumps({"group_id": group.id, **(metadata or {})}),
        "blocks": blocks,
    }
