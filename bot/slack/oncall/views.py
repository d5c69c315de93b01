"""On-call messages: who is on call, the schedule, reminders in threads, the weekly handoff."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.i18n import Translator
from bot.slack.blocks import (
    cut,
    escape,
    line_sections,
    message,
    mrkdwn,
    plain,
    section_message,
    who,
)
from bot.slack.incidents.views import SEVERITY_EMOJI
from bot.slack.limits import CONTEXT_MAX, HEADER_MAX
from commands.clock import from_iso
from commands.config import Config
from commands.oncall.handoff import HandoffSummary
from commands.oncall.overrides import shift_fields
from commands.oncall.rotation import Segment
from commands.oncall.schedule import OnCallNow
from storage.models import Incident, OnCallOverride


def person(user: str | None, t: Translator) -> str:
    """A Slack mention of the person, or "nobody"."""
    return f"<@{user}>" if user else t("oncall.nobody")


def now_lines(now: OnCallNow, config: Config, t: Translator) -> list[str]:
    """Who is on call now, who is next and when, in mrkdwn lines."""
    if not config.oncall.members:
        return [t("oncall.none")]
    line = t(
        "oncall.now",
        primary=person(now.primary, t),
        secondary=person(now.secondary, t),
        shift=t(f"oncall.shift.{now.shift}"),
    )
    if now.override and now.override_id is not None:
        kind = t(f"oncall.kind.{now.override}")
        line += " " + t("oncall.by_override", id=now.override_id, kind=kind)
    lines = [line]
    if now.until is not None and now.next_primary is not None:
        lines.append(
            t(
                "oncall.next",
                who=person(now.next_primary, t),
                time=t.time(now.until),
                wait=t.duration((now.until - now.at).total_seconds()),
            )
        )
    else:
        lines.append(t("oncall.next_none"))
    hours = config.oncall.working_hours
    lines.append(t("oncall.hours_in" if now.in_working_hours else "oncall.hours_out", hours=hours))
    return lines


def now_message(
    now: OnCallNow, config: Config, t: Translator, stale: Sequence[OnCallOverride] = ()
) -> dict:
    return section_message("\n".join([*now_lines(now, config, t), *stale_override_lines(stale, t)]))


def schedule_lines(segments: Sequence[Segment], t: Translator) -> list[str]:
    lines = []
    for segment in segments:
        line = t(
            "oncall.schedule_row",
            start=t.time(segment.start),
            end=t.time(segment.end),
            shift=t(f"oncall.shift.{segment.shift.kind}"),
            primary=person(segment.primary, t),
            secondary=person(segment.secondary, t),
        )
        if segment.override is not None:
            line += " " + t(
                "oncall.by_override",
                id=segment.override.id,
                kind=t(f"oncall.kind.{segment.override.kind}"),
            )
        lines.append(line)
    return lines


def schedule_message(
    segments: Sequence[Segment], weeks: int, config: Config, t: Translator
) -> dict:
    if not config.oncall.members:
        return section_message(t("oncall.none"))
    header = t("oncall.schedule_header", weeks=weeks, tz=t.tz.key)
    rows = schedule_lines(segments, t)
    blocks: list[dict] = [{"type": "header", "text": plain(header, HEADER_MAX)}]
    blocks += line_sections(rows)
    return message(header, blocks)


def shift_text(kind: str, shifts: Sequence[Mapping[str, Any]], t: Translator) -> str:
    """A swap or a cover, in one sentence that tags both people."""
    first = shifts[0]
    if kind == "swap" and len(shifts) == 2:
        second = shifts[1]
        return t(
            "oncall.swapped",
            who_a=person(first["replaces"], t),
            who_b=person(first["user"], t),
            start_a=t.time(from_iso(first["start"])),
            end_a=t.time(from_iso(first["end"])),
            start_b=t.time(from_iso(second["start"])),
            end_b=t.time(from_iso(second["end"])),
            id=first["id"],
        )
    return t(
        "oncall.covered",
        who=person(first["user"], t),
        start=t.time(from_iso(first["start"])),
        end=t.time(from_iso(first["end"])),
        replaces=person(first["replaces"], t),
        id=first["id"],
    )


def override_answer(rows: Sequence[OnCallOverride], config: Config, t: Translator) -> str:
    """The answer to a swap or a cover."""
    return shift_text(rows[0].kind, [shift_fields(r) for r in rows], t)


def change_message(args: Mapping[str, Any], t: Translator) -> dict:
    """A change to the schedule, posted in the on-call channel for everyone it moves."""
    shifts: list[dict[str, Any]] = list(args.get("shifts") or [])
    by = person(str(args.get("by") or ""), t)
    if args.get("action") == "removed":
        lines = [t("oncall.change_removed", by=by, id=shifts[0]["id"])]
        lines += [
            t(
                "oncall.change_back",
                start=t.time(from_iso(s["start"])),
                end=t.time(from_iso(s["end"])),
                who=person(s["replaces"], t),
                instead=person(s["user"], t),
            )
            for s in shifts
        ]
        return section_message("\n".join(lines))
    text = t("oncall.change_added", by=by) + "\n" + shift_text(str(args["kind"]), shifts, t)
    return section_message(text)


def stale_override_lines(rows: Sequence[OnCallOverride], t: Translator) -> list[str]:
    """Overrides naming someone who left the rotation: not applied, until removed."""
    return [
        t(
            "oncall.stale_override",
            id=row.id,
            who=person(row.user_id, t),
            start=t.time(row.start_at),
            end=t.time(row.end_at),
        )
        for row in rows
    ]


def ack_reminder(args: dict, config: Config, t: Translator, now: datetime) -> dict:
    """A reminder in the subject's thread: to the primary, the secondary, or the channel."""
    since = from_iso(args["since"])
    severity = str(args.get("severity", ""))
    target = config.response_minutes(severity) * 60 if severity in config.severities else None
    notify = str(args.get("notify", "channel"))
    body = t(
        f"remind.ack.{notify}",
        who=person(args.get("user"), t),
        label=escape(str(args.get("label", ""))),
        severity=severity,
        elapsed=t.duration((now - since).total_seconds()),
        target=t.duration(target),
    )
    reminder = section_message(body)
    if notify == "channel":
        reminder["reply_broadcast"] = True  # so @here reaches the channel, not only the thread
    return reminder


def update_reminder(args: dict, t: Translator, now: datetime) -> dict:
    quiet_since = from_iso(args["quiet_since"])
    body = t(
        "remind.update",
        who=person(args.get("user"), t),
        id=str(args["incident_id"]),
        quiet=t.duration((now - quiet_since).total_seconds()),
    )
    return section_message(body)


def postmortem_reminder(incident: Incident, user: str | None, t: Translator) -> dict:
    body = t(
        "remind.postmortem",
        who=person(user, t),
        id=incident.id,
        closed=t.time(incident.closed_at),
    )
    return section_message(body)


CHECKLIST = ("open", "alerts", "budgets", "postmortems", "changes", "access", "retro")


def _incident_row(incident: Incident, t: Translator) -> str:
    owner = f" · {who(incident.acknowledged_by)}" if incident.acknowledged_by else ""
    return (
        f"{SEVERITY_EMOJI.get(incident.severity, '')} *{incident.id}* [{incident.severity}] "
        f"{escape(cut(incident.title, 150))} — {t.status(incident.status)}{owner}"
    )


def handoff_lines(summary: HandoffSummary, config: Config, t: Translator) -> list[str]:
    lines = [
        t(
            "handoff.who",
            outgoing=person(summary.outgoing, t),
            incoming=person(summary.incoming, t),
            secondary=person(summary.incoming_secondary, t),
            until=t.time(summary.next_handoff),
        )
    ]
    if summary.late:
        lines.append(t("handoff.late", time=t.time(summary.handoff_at)))
    lines.append("")
    if summary.open_incidents:
        lines.append(t("handoff.open_header", count=len(summary.open_incidents)))
        lines += [_incident_row(i, t) for i in summary.open_incidents]
    else:
        lines.append(t("handoff.open_none"))
    lines.append("")
    pages = summary.pages
    lines.append(
        t(
            "handoff.pages",
            start=t.time(summary.shift_start),
            end=t.time(summary.handoff_at),
            total=pages.total,
            night=pages.night,
            weekend=pages.weekend,
            night_hours=config.oncall.night_hours,
        )
    )
    if pages.by_severity:
        detail = ", ".join(f"{s} {n}" for s, n in pages.by_severity.items())
        lines.append(t("handoff.pages_detail", detail=detail))
    if pages.fatigue:
        lines.append(t("handoff.fatigue", night=pages.night, who=person(summary.outgoing, t)))
    if summary.postmortems_owed:
        lines.append(t("handoff.postmortems", count=summary.postmortems_owed))
    lines += ["", t("handoff.checklist_header")]
    lines += [f"• {t(f'handoff.check.{key}')}" for key in CHECKLIST]
    return lines


def handoff_message(summary: HandoffSummary, config: Config, t: Translator) -> dict:
    lines = handoff_lines(summary, config, t)
    header = f"{t('handoff.header')} · {t.time(summary.handoff_at)}"
    blocks: list[dict] = [{"type": "header", "text": plain(header, HEADER_MAX)}]
    blocks += line_sections(lines)[:47]
    blocks.append(
        {"type": "context", "elements": [mrkdwn(t("oncall.help.now") + ": `/oncall`", CONTEXT_MAX)]}
    )
    fallback = f"{header}: " + lines[0]
    return message(fallback, blocks)
