"""SLO messages: the report (terminal and Block Kit), one SLO's detail, status changes, the
daily digest and the deploy gate's answer. Pure: figures in, text and blocks out."""

from bot.i18n import Translator
from bot.slack.blocks import cut, escape, line_sections, message, mrkdwn, plain, section_message
from bot.slack.limits import CONTEXT_MAX, FIELD_MAX, HEADER_MAX, SECTION_MAX
from commands.deploys.gate import GateDecision
from commands.slo.budget import BURN_WINDOWS, SloStatus, time_to_exhaustion
from commands.slo.digest import PART_SLOS, digest_parts, part_of
from commands.slo.evaluation import SloReport, SloResult
from commands.slo.specs import format_duration

STATUS_EMOJI = {
    "healthy": ":large_green_circle:",
    "warning": ":large_yellow_circle:",
    "exhausted": ":red_circle:",
    "no_data": ":white_circle:",
}
MAX_SLO_BLOCKS = 40  # Slack allows 50 blocks in a message


def pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def objective_text(objective: float) -> str:
    return f"{objective * 100:.10g}%"


def signed_pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:+.1f}pp"


def count(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{round(value):,}"


def burn(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}x" if value < 100 else f"{value:.0f}x"


def status_word(t: Translator, status: str) -> str:
    return t(f"slo.status.{status}")


def gate_line(report: SloReport, t: Translator) -> str:
    if report.deploys_allowed:
        return t("slo.gate.allowed")
    return t("slo.gate.blocked", names=", ".join(r.spec.name for r in report.exhausted))


def _events(result: SloResult, t: Translator, value: float | None) -> str:
    if result.spec.sli.kind == "threshold" and value is not None:
        return t("slo.slices", count=count(value), slice=format_duration(result.spec.sli.slice))
    return count(value)


def _target(result: SloResult, t: Translator) -> str:
    spec = result.spec
    objective = objective_text(spec.objective)
    if spec.calendar is None:
        return t("slo.target_value", objective=objective, window=spec.window_text)
    since = t.time(result.period[0])
    return t("slo.target_calendar", objective=objective, window=spec.window_text, since=since)


def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _minutes(result: SloResult, t: Translator) -> str:
    """The budget as the guide counts it: 43.2 minutes a month for 99.9%."""
    total = minutes(result.budget_minutes)
    return t("slo.minutes_value", left=minutes(result.remaining_minutes), total=total)


def _coverage(result: SloResult, t: Translator) -> str | None:
    if not result.partial or result.data_since is None:
        return None
    return t("slo.coverage_value", percent=pct(result.coverage, 0), since=t.time(result.data_since))


def _rows(result: SloResult, t: Translator) -> list[tuple[str, str]]:
    spec = result.spec
    rows = [
        (t("slo.field.target"), _target(result, t)),
        (t("slo.field.actual"), pct(result.sli, 3)),
        (t("slo.field.used"), pct(result.budget_used)),
        (t("slo.field.left"), pct(result.remaining)),
        (t("slo.field.minutes"), _minutes(result, t)),
        (t("slo.field.status"), status_word(t, result.status.value).upper()),
    ]
    if spec.sli.has_events:
        rows.append((t("slo.field.total"), _events(result, t, result.window.total)))
        rows.append((t("slo.field.failed"), _events(result, t, result.window.bad)))
    coverage = _coverage(result, t)
    if coverage:
        rows.append((t("slo.field.coverage"), coverage))
    return rows


def report_lines(report: SloReport, t: Translator) -> list[str]:
    """The report as the guide prints it, for the terminal."""
    lines = [f"=== {t('slo.report.title', time=t.time(report.evaluated_at))} ===", ""]
    if not report.results:
        lines += [t("slo.none"), ""]
    for result in report.results:
        spec = result.spec
        lines.append(f"{spec.name} ({spec.service})")
        if spec.description:
            lines.append(f"  {spec.description}")
        rows = _rows(result, t)
        width = max(len(label) for label, _ in rows) + 1
        lines += [f"  {label + ':':<{width}} {value}" for label, value in rows]
        lines.append("")
    lines.append(gate_line(report, t))
    return lines


def _section_text(result: SloResult, t: Translator) -> str:
    spec = result.spec
    head = f"{STATUS_EMOJI[result.status.value]} *{escape(spec.name)}* ({escape(spec.service)})"
    body = [
        f"{label}: {escape(value)}"
        for label, value in _rows(result, t)
        if label != t("slo.field.status")
    ]
    return head + f" — {status_word(t, result.status.value)}\n" + " · ".join(body)


def report_message(report: SloReport, t: Translator) -> dict:
    title = t("slo.report.title", time=t.time(report.evaluated_at))
    blocks: list[dict] = [{"type": "header", "text": plain(title, HEADER_MAX)}]
    shown = report.results[:MAX_SLO_BLOCKS]
    for result in shown:
        blocks.append({"type": "section", "text": mrkdwn(_section_text(result, t))})
    if len(report.results) > len(shown):
        rest = ", ".join(r.spec.name for r in report.results[len(shown) :])
        blocks.append({"type": "context", "elements": [mrkdwn(f"+ {rest}", CONTEXT_MAX)]})
    if not report.results:
        blocks.append({"type": "section", "text": mrkdwn(t("slo.none"))})
    gate = gate_line(report, t)
    emoji = ":white_check_mark:" if report.deploys_allowed else ":no_entry:"
    blocks.append({"type": "divider"})
    blocks.append({"type": "section", "text": mrkdwn(f"{emoji} *{escape(gate)}*")})
    text = "\n".join(report_lines(report, t))
    return message(text, blocks)


def detail_lines(result: SloResult, t: Translator) -> list[str]:
    lines = [f"{result.spec.name} ({result.spec.service})"]
    lines += [f"  {label}: {value}" for label, value in _rows(result, t)]
    lines.append(f"  {t('slo.detail.burn_title')}:")
    lines += [f"    {w}: {burn(result.burn_rates.get(w))}" for w in BURN_WINDOWS]
    return lines


def _advice(result: SloResult, t: Translator) -> str | None:
    if result.status == SloStatus.EXHAUSTED:
        return t("slo.detail.spent")
    hourly = result.burn_rates.get("1h")
    remaining = result.remaining
    parts = []
    if result.status == SloStatus.WARNING:
        parts.append(t("slo.detail.low"))
    if hourly and hourly > 0 and remaining and remaining > 0:
        lasts = time_to_exhaustion(hourly, result.period_length) * remaining
        parts.append(t("slo.detail.lasts", duration=t.duration(lasts.total_seconds())))
    return " ".join(parts) or None


def detail_message(result: SloResult, t: Translator) -> dict:
    spec = result.spec
    title = f"{spec.name} ({spec.service})"
    blocks: list[dict] = [{"type": "header", "text": plain(title, HEADER_MAX)}]
    if spec.description:
        blocks.append({"type": "context", "elements": [mrkdwn(escape(spec.description))]})
    fields = [
        mrkdwn(f"*{label}*\n{escape(value)}", FIELD_MAX) for label, value in _rows(result, t)
    ][:10]
    blocks.append({"type": "section", "fields": fields})
    burns = " · ".join(f"*{w}* {burn(result.burn_rates.get(w))}" for w in BURN_WINDOWS)
    blocks.append(
        {"type": "section", "text": mrkdwn(f"{t('slo.detail.burn_title')}\n{burns}", SECTION_MAX)}
    )
    advice = _advice(result, t)
    if advice:
        blocks.append({"type": "context", "elements": [mrkdwn(escape(advice), CONTEXT_MAX)]})
    text = "\n".join(detail_lines(result, t))
    return message(text, blocks)


def status_change_message(args: dict, t: Translator) -> dict:
    status = str(args.get("to"))
    key = f"slo.change.{status}" if status in ("warning", "exhausted", "healthy") else None
    if key is None:
        key = "slo.change.warning"
    text = t(
        key,
        slo=escape(str(args.get("slo"))),
        service=escape(str(args.get("service"))),
        remaining=pct(args.get("remaining")),
        window=escape(str(args.get("window"))),
    )
    if args.get("burn_1h") is not None:
        text += " " + t("slo.change.burn", burn=burn(args.get("burn_1h")))
    return section_message(text)


def _digest_line(item: dict, t: Translator) -> str:
    status = str(item.get("status"))
    change = item.get("change")
    since = (
        t("slo.digest.change", change=signed_pct(change))
        if change is not None
        else t("slo.digest.no_yesterday")
    )
    return (
        f"{STATUS_EMOJI.get(status, '')} *{cut(escape(str(item.get('slo'))), 200)}* "
        f"({cut(escape(str(item.get('service'))), 120)}) — {status_word(t, status)}: "
        f"{t('slo.field.left')} {pct(item.get('remaining'))} ({since}) · "
        f"{t('slo.field.target')} {objective_text(float(item.get('objective') or 0))} / "
        f"{cut(escape(str(item.get('window'))), 40)}"
    )


def _digest_summary(title: str, slos: list[dict], parts: int, t: Translator) -> dict:
    """The digest's first message when its SLOs take several: how many are in each status,
    the ones that need attention, and where the rest are."""
    counts: dict[str, int] = {}
    for item in slos:
        counts[str(item.get("status"))] = counts.get(str(item.get("status")), 0) + 1
    summary = t(
        "slo.digest.counts",
        total=len(slos),
        counts=" · ".join(
            t("slo.digest.count", n=counts[s], status=f"{STATUS_EMOJI[s]} {status_word(t, s)}")
            for s in STATUS_EMOJI
            if counts.get(s)
        ),
    )
    blocks: list[dict] = [
        {"type": "header", "text": plain(title, HEADER_MAX)},
        {"type": "section", "text": mrkdwn(summary)},
    ]
    attention = [i for i in slos if i.get("status") in ("exhausted", "warning")]
    attention.sort(key=lambda i: (i.get("status") != "exhausted", i.get("remaining") or 0))
    if attention:
        lines = [t("slo.digest.attention")]
        lines += [_digest_line(i, t) for i in attention[:PART_SLOS]]
        if len(attention) > PART_SLOS:
            lines.append(t("slo.digest.more_attention", n=len(attention) - PART_SLOS))
        blocks += line_sections(lines)
    else:
        blocks.append({"type": "section", "text": mrkdwn(t("slo.digest.all_healthy"))})
    where = t("slo.digest.in_thread", total=len(slos), parts=parts)
    blocks.append({"type": "context", "elements": [mrkdwn(where)]})
    return message(f"{title}: {summary}", blocks)


def digest_message(data: dict, t: Translator) -> dict:
    """The daily digest: every SLO, or a summary when they need more than one message
    (then `digest_part_message` carries them, in the thread)."""
    title = t("slo.digest.title", day=data.get("day", ""))
    blocks: list[dict] = [{"type": "header", "text": plain(title, HEADER_MAX)}]
    if "error" in data:
        text = t(
            "slo.digest.unreachable",
            url=escape(str(data.get("prometheus_url"))),
            reason=escape(str(data["error"])),
        )
        blocks.append({"type": "section", "text": mrkdwn(text)})
        return message(f"{title}\n{text}", blocks)
    if "config_error" in data:
        text = t("slo.digest.config_error", problem=escape(str(data["config_error"])))
        blocks.append({"type": "section", "text": mrkdwn(text)})
        return message(f"{title}\n{text}", blocks)
    slos = list(data.get("slos") or [])
    parts = digest_parts(len(slos))
    if parts:
        return _digest_summary(title, slos, parts, t)
    if not slos:
        blocks.append({"type": "section", "text": mrkdwn(t("slo.none"))})
    lines = [_digest_line(item, t) for item in slos]
    blocks += [{"type": "section", "text": mrkdwn(line)} for line in lines]
    blocks.append({"type": "context", "elements": [mrkdwn(t("slo.digest.charts"))]})
    return message("\n".join([title, *lines] if slos else [title, t("slo.none")]), blocks)


def digest_part_message(data: dict, part: int, t: Translator) -> dict:
    """Part `part` of a digest split over several messages."""
    slos = list(data.get("slos") or [])
    title = t("slo.digest.title", day=data.get("day", ""))
    label = t("slo.digest.part", title=title, part=part, parts=digest_parts(len(slos)))
    lines = [_digest_line(item, t) for item in part_of(slos, part)]
    blocks: list[dict] = [{"type": "context", "elements": [mrkdwn(label)]}]
    blocks += [{"type": "section", "text": mrkdwn(line)} for line in lines]
    return message("\n".join([label, *lines]), blocks)


def reason_text(reason: dict, t: Translator) -> str:
    kind = reason.get("kind")
    if kind == "slo_exhausted":
        return t(
            "deploy.reason.slo",
            slo=reason["slo"],
            service=reason["service"],
            remaining=pct(reason.get("error_budget_remaining")),
        )
    if kind == "incident_open":
        return t(
            "deploy.reason.incident",
            severity=reason["severity"],
            id=reason["id"],
            status=t.status(str(reason["status"])),
            title=reason["title"],
        )
    return t("deploy.reason.prometheus", error=reason.get("error", ""))


def deploy_lines(decision: GateDecision, t: Translator) -> list[str]:
    if decision.verdict == "allowed":
        lines = [t("deploy.allowed")]
    elif decision.verdict == "unknown":
        lines = [t("deploy.unknown", error=decision.prometheus_error or "")]
    else:
        lines = [t("deploy.blocked")]
        lines += [f"  - {reason_text(r.as_json(), t)}" for r in decision.reasons]
    if decision.report is not None:
        lines.append(gate_line(decision.report, t))
    return lines


def unreachable_text(t: Translator, url: str, reason: str) -> str:
    return t("slo.unreachable", url=escape(url), reason=escape(reason))
