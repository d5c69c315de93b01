"""Incident messages: the announcement, timeline replies, list, report and postmortem draft."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.i18n import Translator
from bot.messages import CATALOG
from bot.slack.blocks import (
    button,
    code,
    cut,
    escape,
    message,
    mrkdwn,
    plain,
    quote,
    section_message,
    unescape,
    units,
    who,
)
from bot.slack.ids import Action, Block
from bot.slack.limits import CONTEXT_MAX, FIELD_MAX, HEADER_MAX, MESSAGE_TEXT_MAX
from commands.config import Config
from commands.incidents.lifecycle import AckResult
from commands.incidents.report import Report
from commands.incidents.severity import OPEN_STATUSES, SEVERITY_NAMES, Status
from commands.incidents.slash import USAGE
from storage.models import Incident, TimelineEntry

SEVERITY_EMOJI = {
    "Sev1": ":red_circle:",
    "Sev2": ":large_orange_circle:",
    "Sev3": ":large_yellow_circle:",
    "Sev4": ":white_circle:",
}


def _emoji(incident: Incident) -> str:
    if incident.status in (Status.RESOLVED, Status.CLOSED):
        return ":white_check_mark:"
    return SEVERITY_EMOJI.get(incident.severity, ":red_circle:")


def fallback(incident: Incident, t: Translator) -> str:
    return cut(
        t(
            "incident.fallback",
            id=incident.id,
            severity=incident.severity,
            title=escape(incident.title),
            status=t.status(incident.status),
        ),
        MESSAGE_TEXT_MAX,
    )


def acknowledgement_line(
    incident: Incident, config: Config, t: Translator, now: datetime | None = None
) -> str:
    """Who acknowledged and how fast against the target; or the deadline, or how overdue."""
    target = timedelta(minutes=config.response_minutes(incident.severity))
    if incident.acknowledged_at is None or incident.acknowledged_by is None:
        deadline = incident.created_at + target
        if now is not None and now >= deadline and incident.status in OPEN_STATUSES:
            return t(
                "incident.ack_overdue",
                deadline=t.clock(deadline),
                target=t.duration(target.total_seconds()),
            )
        return t(
            "incident.ack_waiting",
            deadline=t.clock(deadline),
            target=t.duration(target.total_seconds()),
        )
    elapsed = incident.acknowledged_at - incident.created_at
    return t(
        "incident.ack_done",
        who=who(incident.acknowledged_by),
        elapsed=t.duration(elapsed.total_seconds()),
        target=t.duration(target.total_seconds()),
        mark=":white_check_mark:" if elapsed <= target else ":warning:",
    )


def announcement(
    incident: Incident, config: Config, t: Translator, now: datetime | None = None
) -> dict:
    """The incident's one channel message, kept current with chat.update. `now` (when it is
    rendered) shows an unacknowledged incident past its response target as overdue."""
    fields = [
        mrkdwn(f"*{t('incident.severity')}*\n{incident.severity}", FIELD_MAX),
        mrkdwn(f"*{t('incident.status')}*\n{t.status(incident.status)}", FIELD_MAX),
        mrkdwn(
            f"*{t('incident.acknowledgement')}*\n" + acknowledgement_line(incident, config, t, now),
            FIELD_MAX,
        ),
    ]
    if incident.components:
        joined = ", ".join(f"`{escape(c)}`" for c in incident.components)
        fields.append(mrkdwn(f"*{t('incident.components')}*\n{joined}", FIELD_MAX))
    blocks: list[dict] = [
        {
            "type": "header",
            "text": plain(f"{incident.id} · {incident.title}", HEADER_MAX),
        },
        {
            "type": "section",
            "text": mrkdwn(_emoji(incident) + " " + escape(incident.title)),
            "fields": fields,
        },
    ]
    if incident.description:
        blocks.append({"type": "section", "text": mrkdwn(quote(incident.description))})
    context = [
        t("incident.declared", who=who(incident.created_by), time=t.time(incident.created_at))
    ]
    if incident.oncall_user:
        context.insert(0, t("incident.oncall", who=who(incident.oncall_user)))
    if incident.postmortem_url:
        context.append(t("incident.postmortem_link", url=escape(incident.postmortem_url)))
    elif incident.status == Status.CLOSED and incident.postmortem_required:
        context.append(t("incident.postmortem_owed", id=incident.id))
    blocks.append({"type": "context", "elements": [mrkdwn(" · ".join(context), CONTEXT_MAX)]})
    buttons = []
    if incident.status in OPEN_STATUSES:
        if incident.acknowledged_at is None:
            buttons.append(
                button(t("button.acknowledge"), Action.ACKNOWLEDGE, incident.id, "primary")
            )
        buttons.append(button(t("button.update_status"), Action.UPDATE_STATUS, incident.id))
        buttons.append(button(t("button.resolve"), Action.RESOLVE, incident.id))
    elif incident.status == Status.RESOLVED:
        buttons.append(button(t("button.update_status"), Action.UPDATE_STATUS, incident.id))
    if buttons:
        blocks.append({"type": "actions", "block_id": Block.INCIDENT_ACTIONS, "elements": buttons})
    return message(fallback(incident, t), blocks)


def timeline_text(entry: TimelineEntry, t: Translator) -> str:
    """One timeline entry in words, mrkdwn, user text escaped."""
    actor = who(entry.actor)
    data = entry.data or {}
    kind = entry.kind
    if kind == "created":
        line = t("timeline.created", who=actor, severity=data.get("severity", ""))
    elif kind == "acknowledged":
        line = t("timeline.acknowledged", who=actor)
    elif kind == "status":
        line = t(
            "timeline.status",
            who=actor,
            old=t.status(str(data.get("from"))),
            new=t.status(str(data.get("to"))),
        )
        if data.get("acknowledged"):
            line += " " + t("timeline.status_ack")
        if data.get("note"):
            line += "\n" + quote(str(data["note"]))
    elif kind == "severity":
        line = t("timeline.severity", who=actor, old=data.get("from"), new=data.get("to"))
    elif kind in ("root_cause", "resolution", "note"):
        line = t(f"timeline.{kind}", who=actor) + "\n" + quote(str(data.get("text", "")))
    elif kind == "closed":
        line = t("timeline.closed", who=actor)
    elif kind == "postmortem":
        line = t("timeline.postmortem", who=actor, url=escape(str(data.get("url", ""))))
    elif kind == "alert_group":
        line = t(
            "timeline.alert_group",
            who=actor,
            group=data.get("group_id", "?"),
            alertname=escape(str(data.get("alertname", ""))),
        )
    elif kind == "runbook":
        line = _runbook_entry(data, actor, t)
    else:
        line = f"{actor}: {escape(kind)}"
    return line


def _runbook_entry(data: dict, actor: str, t: Translator) -> str:
    """A runbook run's progress, as the incident's timeline shows it."""
    params = {
        "name": escape(str(data.get("runbook", ""))),
        "id": data.get("run_id", "?"),
        "step": escape(str(data.get("step", ""))),
        "detail": escape(str(data.get("detail", ""))),
    }
    event = str(data.get("event", ""))
    if event and f"runbook.event.{event}" in CATALOG:
        by = str(data.get("by") or "")
        return t(
            f"runbook.event.{event}",
            **params,
            who=who(by) if by else actor,
            approvers="",
            error=params["detail"],
        )
    outcome = str(data.get("outcome", ""))
    outcome_text = t(f"runbook.state.{outcome}") if f"runbook.state.{outcome}" in CATALOG else ""
    return t("timeline.runbook_step", **params, outcome=outcome_text or escape(outcome))


def timeline_reply(entry: TimelineEntry, t: Translator) -> dict:
    body = f"`{t.clock(entry.at)}` " + timeline_text(entry, t)
    return section_message(body)


def incident_line(incident: Incident, t: Translator) -> str:
    ack = f" · {who(incident.acknowledged_by)}" if incident.acknowledged_by else ""
    return (
        f"{SEVERITY_EMOJI.get(incident.severity, '')} *{incident.id}* [{incident.severity}] "
        f"{escape(cut(incident.title, 200))} — {t.status(incident.status)}{ack} · "
        f"{t.time(incident.created_at)}"
    )


def incident_list(incidents: Sequence[Incident], t: Translator, *, open_only: bool = True) -> dict:
    if not incidents:
        return section_message(t("list.empty"))
    header_key = "list.header" if open_only else "list.all_header"
    blocks: list[dict] = [
        {"type": "header", "text": plain(t(header_key, count=len(incidents)), HEADER_MAX)}
    ]
    for incident in incidents[:45]:  # a message holds at most 50 blocks
        block: dict = {"type": "section", "text": mrkdwn(incident_line(incident, t))}
        if incident.acknowledged_at is None and incident.status in OPEN_STATUSES:
            block["accessory"] = button(
                t("button.acknowledge"), Action.ACKNOWLEDGE, incident.id, "primary"
            )
        blocks.append(block)
    return message(t(header_key, count=len(incidents)), blocks)


def ack_chooser(incidents: Sequence[Incident], t: Translator) -> dict:
    listing = incident_list(incidents, t)
    listing["blocks"][0] = {"type": "section", "text": mrkdwn(t("ack.choose"))}
    listing["text"] = t("ack.choose")
    return listing


def report_lines(report: Report, t: Translator) -> list[str]:
    """The report as plain lines, for the terminal and for a Slack code block."""
    period = (
        t("report.period_since", time=t.time(report.since))
        if report.since
        else t("report.period_all")
    )
    lines = [f"{t('report.header')} — {period}", t("report.total", total=report.total), ""]
    lines.append(
        t("report.by_severity")
        + ": "
        + ", ".join(f"{name} {report.by_severity.get(name, 0)}" for name in SEVERITY_NAMES)
    )
    lines.append(
        t("report.by_status")
        + ": "
        + ", ".join(f"{t.status(s.value)} {report.by_status.get(s.value, 0)}" for s in Status)
    )
    lines += ["", t("report.columns")]
    for stats in report.severities:
        ratio = stats.ack_within_target_ratio
        within = (
            t("report.within", ratio=f"{ratio:.0%}", ok=stats.ack_within_target, due=stats.ack_due)
            if ratio is not None
            else t("report.none")
        )
        lines.append(
            t(
                "report.row",
                severity=stats.severity,
                target=t.duration(stats.target_minutes * 60),
                count=stats.count,
                mtta=t.duration(stats.mtta_seconds),
                mttr=t.duration(stats.mttr_seconds),
                within=within,
            )
        )
    lines.append("")
    if report.postmortems_owed:
        lines.append(t("report.owed_header", count=len(report.postmortems_owed)))
        for incident in report.postmortems_owed:
            lines.append(
                "  "
                + t(
                    "report.owed_row",
                    id=incident.id,
                    severity=incident.severity,
                    title=cut(incident.title, 120),
                    time=t.time(incident.closed_at),
                )
            )
    else:
        lines.append(t("report.owed_none"))
    return lines


def report_message(report: Report, t: Translator) -> dict:
    lines = report_lines(report, t)
    return message(
        lines[0],
        [
            {"type": "header", "text": plain(lines[0], HEADER_MAX)},
            {"type": "section", "text": mrkdwn(code("\n".join(lines[1:])))},
        ],
    )


def postmortem_markdown(
    incident: Incident, timeline: Sequence[TimelineEntry], t: Translator
) -> str:
    """A blameless postmortem draft in Markdown, built from the incident and its timeline."""
    end: datetime | None = incident.resolved_at or incident.closed_at
    duration = (end - incident.created_at).total_seconds() if end else None
    tta = (
        (incident.acknowledged_at - incident.created_at).total_seconds()
        if incident.acknowledged_at
        else None
    )
    missing = t("pm.missing")
    components = ", ".join(incident.components) if incident.components else missing
    lines = [
        f"# {t('pm.title', id=incident.id, title=incident.title)}",
        "",
        t("pm.blameless"),
        "",
        f"## {t('pm.summary')}",
        "",
        t(
            "pm.summary_text",
            severity=incident.severity,
            start=t.time(incident.created_at),
            end=t.time(end),
            duration=t.duration(duration),
            tta=t.duration(tta),
        ),
    ]
    if incident.description:
        lines += ["", incident.description]
    lines += ["", f"## {t('pm.impact')}", "", t("pm.impact_text", components=components)]
    lines += ["", f"## {t('pm.timeline', tz=t.tz.key)}", ""]
    for entry in timeline:
        text = timeline_text(entry, t).replace("\n> ", " — ").replace("\n", " ")
        lines.append(f"- {t.time(entry.at, seconds=True)} {unescape(text)}")
    lines += ["", f"## {t('pm.root_cause')}", "", incident.root_cause or missing]
    lines += ["", f"## {t('pm.resolution')}", "", incident.resolution or missing]
    lines += ["", f"## {t('pm.actions')}", "", t("pm.actions_text")]
    lines += ["", f"## {t('pm.lessons')}", "", "- ", ""]
    # A code block or a file: Slack shows no names there, so the draft carries them.
    return t.named("\n".join(lines))


def _postmortem_inline(intro: str, draft: str) -> str | None:
    """The draft in its message, in a code block (Slack shows it as is, so the Markdown can
    be copied whole), counted after escaping; None when it is too long for one message."""
    text = f"{intro}\n```\n{escape(draft)}\n```"
    return text if units(text) <= MESSAGE_TEXT_MAX else None


def postmortem_filename(incident: Incident) -> str:
    return f"{incident.id}-postmortem.md"


def postmortem_message(
    incident: Incident, timeline: Sequence[TimelineEntry], t: Translator
) -> dict:
    """The draft in the incident's thread; a long one is pointed to, and uploaded whole as
    a Markdown file (`postmortem_file`) right after."""
    intro = t("pm.intro", id=incident.id)
    draft = postmortem_markdown(incident, timeline, t)
    inline = _postmortem_inline(intro, draft)
    if inline is not None:
        return {"text": inline}
    pointer = t("pm.attached", size=f"{len(draft):,}", file=postmortem_filename(incident))
    return section_message(f"{intro}\n{pointer}")


def postmortem_file(
    incident: Incident, timeline: Sequence[TimelineEntry], t: Translator
) -> dict | None:
    """The draft as a Markdown file, for a draft too long for its message; else None."""
    draft = postmortem_markdown(incident, timeline, t)
    if _postmortem_inline(t("pm.intro", id=incident.id), draft) is not None:
        return None
    title = t("pm.title", id=incident.id, title=incident.title)
    return {
        "filename": postmortem_filename(incident),
        "title": cut(title, 250),
        "content": draft.encode(),
        "alt_txt": cut(title, 1000),
    }


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
    """`/incident help`: every sub-command with what it does."""
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
    lines.append(t("usage.other_commands"))
    return "\n".join(lines)


def ack_answer(t: Translator, result: AckResult) -> str:
    """What the person who acknowledged is told: done, or who was first."""
    incident = result.incident
    if result.acknowledged:
        return t("ack.done", id=incident.id)
    return t(
        "ack.already",
        id=incident.id,
        who=who(incident.acknowledged_by or "?"),
        time=t.time(incident.acknowledged_at, seconds=True),
    )
