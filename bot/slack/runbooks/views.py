"""Runbook and health-watch messages: the run message (kept current with chat.update), step
results and events in its thread, notify messages, the list and dry runs."""

import json
from collections.abc import Sequence
from datetime import datetime

from bot.i18n import Translator
from bot.slack.blocks import button, code, cut, escape, message, mrkdwn, plain, section_message, who
from bot.slack.ids import Action, Block
from bot.slack.limits import CONTEXT_MAX, HEADER_MAX, MESSAGE_TEXT_MAX, SECTION_MAX
from commands.people import is_user_id
from commands.runbooks.files import Catalog
from commands.runbooks.plans import PlannedStep
from commands.runbooks.runs import RunView
from storage.models import RunbookRun, RunbookStep

STATE_EMOJI = {
    "awaiting_approval": ":hourglass_flowing_sand:",
    "running": ":arrows_counterclockwise:",
    "interrupted": ":warning:",
    "succeeded": ":white_check_mark:",
    "failed": ":x:",
    "rejected": ":no_entry:",
    "expired": ":alarm_clock:",
    "abandoned": ":wastebasket:",
}
STEP_EMOJI = {
    "started": ":arrow_forward:",
    "waiting": ":hourglass_flowing_sand:",
    "resumed": ":arrow_forward:",
    "succeeded": ":white_check_mark:",
    "failed": ":x:",
    "interrupted": ":warning:",
}


def approver_mentions(approvers: Sequence[str]) -> str:
    """Users as <@U…>, user groups as <!subteam^S…> (IDs from the runbook file)."""
    return " ".join(f"<!subteam^{a}>" if a.startswith("S") else f"<@{a}>" for a in approvers)


def _step_line(t: Translator, index: int, name: str, kind: str, row: RunbookStep | None) -> str:
    state = row.state if row is not None else ""
    emoji = STEP_EMOJI.get(state, ":white_small_square:")
    line = f"{emoji} {index + 1}. {escape(name)} `{kind}`"
    if row is not None and row.state == "waiting":
        checks = (row.result or {}).get("checks")
        if checks:
            line += " — " + t("runbook.checks_done", n=len(checks))
        elif (row.result or {}).get("attempts"):
            line += " — " + t("runbook.retrying", n=len(row.result["attempts"]))
    return line


def run_fallback(run: RunbookRun, t: Translator) -> str:
    return cut(
        t(
            "runbook.fallback",
            name=run.runbook,
            id=run.id,
            state=t(f"runbook.state.{run.state}"),
        ),
        MESSAGE_TEXT_MAX,
    )


def run_message(view: RunView, t: Translator, now: datetime | None = None) -> dict:
    """The run's one message: state, every step's progress, and the buttons that apply."""
    run = view.run
    rows = {row.index: row for row in view.steps}
    status = f"{STATE_EMOJI.get(run.state, '')} *{t(f'runbook.state.{run.state}')}*"
    description = str(run.spec.get("description") or "").strip()
    blocks: list[dict] = [
        {
            "type": "header",
            "text": plain(t("runbook.run_title", name=run.runbook, id=run.id), HEADER_MAX),
        },
        {
            "type": "section",
            "text": mrkdwn(status + ("\n" + escape(cut(description, 600)) if description else "")),
        },
    ]
    lines = [
        _step_line(t, index, name, kind, rows.get(index))
        for index, (name, kind) in enumerate(view.step_names)
    ]
    blocks.append({"type": "section", "text": mrkdwn("\n".join(lines), SECTION_MAX)})
    approval = view.approval
    notes: list[str] = []
    buttons: list[dict] = []
    if run.state == "awaiting_approval" and approval is not None and approval.state == "pending":
        approvers = [str(a) for a in run.spec.get("approvers") or []]
        notes.append(
            t(
                "runbook.approval_needed",
                approvers=approver_mentions(approvers),
                deadline=t.time(approval.expires_at),
            )
        )
        if run.spec.get("two_person_rule"):
            notes.append(t("runbook.two_person_note", who=who(run.requested_by)))
        value = json.dumps({"run": run.id, "gate": approval.gate})
        buttons = [
            button(t("button.approve"), Action.APPROVE_RUN, value, "primary"),
            button(t("button.reject"), Action.REJECT_RUN, value, "danger"),
        ]
    elif approval is not None and approval.state in ("approved", "rejected"):
        notes.append(
            t(
                f"runbook.{approval.state}_by",
                who=who(approval.decided_by or "?"),
                time=t.time(approval.decided_at),
            )
        )
    elif approval is not None and approval.state == "expired":
        notes.append(t("runbook.expired_at", time=t.time(approval.expires_at)))
    if run.state == "interrupted":
        name = view.step_names[run.step_index][0] if run.step_index < len(view.step_names) else "?"
        notes.append(t("runbook.interrupted_at", n=run.step_index + 1, step=escape(name)))
        buttons = [
            button(t("button.resume"), Action.RESUME_RUN, str(run.id), "primary"),
            button(t("button.abandon"), Action.ABANDON_RUN, str(run.id), "danger"),
        ]
    if run.state == "failed" and run.error:
        notes.append(t("runbook.failed_with", error=escape(cut(run.error, 1500))))
    if run.incident_id:
        notes.append(t("runbook.incident_link", id=run.incident_id))
    if notes:
        blocks.append({"type": "section", "text": mrkdwn("\n".join(notes))})
    context = t("runbook.requested", who=who(run.requested_by), time=t.time(run.created_at))
    blocks.append({"type": "context", "elements": [mrkdwn(context, CONTEXT_MAX)]})
    if buttons:
        blocks.append({"type": "actions", "block_id": Block.RUNBOOK_ACTIONS, "elements": buttons})
    return message(run_fallback(run, t), blocks)


def _failure_text(row: RunbookStep) -> str:
    """Why the step failed, with the response it got (status, start of the body)."""
    result = row.result or {}
    parts = []
    if result.get("error"):
        parts.append(escape(cut(str(result["error"]), 1000)))
    if result.get("status") is not None:
        parts.append(f"HTTP {result['status']}")
    body = result.get("body") or result.get("stderr") or ""
    if body:
        parts.append("```" + escape(cut(str(body), 500)) + "```")
    return "\n".join(parts)


def step_reply(run: RunbookRun, row: RunbookStep, t: Translator) -> dict:
    """A step's outcome in the run's thread, with the response it got when it failed."""
    key = "runbook.step_succeeded" if row.state == "succeeded" else "runbook.step_failed"
    head = t(key, n=row.index + 1, step=escape(row.name), name=run.runbook, id=run.id)
    result = row.result or {}
    detail = ""
    if row.state == "succeeded":
        if result.get("incident_id"):
            detail = t("runbook.incident_created", id=result["incident_id"])
        elif result.get("status") is not None:
            request = f"{result.get('method', 'GET')} {escape(str(result.get('url', '')))}"
            detail = f"`{request}` → {result['status']}"
        elif result.get("checks"):
            last = result["checks"][-1]
            detail = t(
                "runbook.checks_summary", n=len(result["checks"]), want=result.get("want", "")
            )
            if last.get("detail"):
                detail += f" ({escape(str(last['detail']))})"
        elif result.get("values") is not None:
            detail = f"`{escape(str(result.get('query', '')))}` = {result['values'][:5]}"
        elif result.get("exit_code") is not None:
            detail = f"exit {result['exit_code']}"
    else:
        detail = _failure_text(row)
    body = head + ("\n" + detail if detail else "")
    return section_message(body)


def event_reply(run: RunbookRun, event: str, actor: str, t: Translator, step: str = "") -> dict:
    params = {"name": run.runbook, "id": run.id, "who": who(actor), "step": escape(step)}
    if event == "approval_needed":
        params["approvers"] = approver_mentions([str(a) for a in run.spec.get("approvers") or []])
    if event == "failed":
        params["error"] = escape(cut(run.error or "", 1500))
    text = t(f"runbook.event.{event}", **params)
    return section_message(text)


def notify_message(run: RunbookRun, row: RunbookStep, t: Translator) -> dict:
    """A runbook's `notify` step. The text comes from the runbook file and trigger data,
    escaped, so it cannot become a mention or a link."""
    result = row.result or {}
    text = escape(str(result.get("text") or ""))
    person = str(result.get("oncall_user") or "")
    if result.get("oncall") and is_user_id(person):
        text = f"<@{person}> {text}"
    context = t("runbook.notify_from", name=run.runbook, id=run.id)
    return message(
        text,
        [
            {"type": "section", "text": mrkdwn(text)},
            {"type": "context", "elements": [mrkdwn(context, CONTEXT_MAX)]},
        ],
    )


# --- list and dry run ---------------------------------------------------------------------


def runbook_lines(found: Catalog, t: Translator) -> list[str]:
    """The runbooks, one entry each, as mrkdwn lines."""
    if not found.runbooks:
        return [t("runbook.list_empty")]
    lines = [t("runbook.list_header", count=len(found.runbooks))]
    for name in found.names():
        book = found.runbooks[name].runbook
        mode = t(f"runbook.automation.{book.automation}")
        line = f"• *{escape(name)}* ({mode}, {t('runbook.steps_count', n=len(book.steps))})"
        if book.description:
            line += " — " + escape(cut(book.description.strip().splitlines()[0], 200))
        lines.append(line)
    return lines


def runbook_list(found: Catalog, t: Translator) -> dict:
    lines = runbook_lines(found, t)
    blocks = [{"type": "section", "text": mrkdwn("\n".join(lines))}]
    if found.errors:
        errors = "\n".join(found.errors)
        text = (
            t("runbook.load_errors", count=len(found.errors))
            + "\n```"
            + escape(cut(errors, 2500))
            + "```"
        )
        blocks.append({"type": "section", "text": mrkdwn(text)})
    return message(lines[0], blocks)


def plan_lines(name: str, planned: Sequence[PlannedStep], t: Translator) -> list[str]:
    """The dry run, as plain lines (the terminal prints them as they are)."""
    lines = [t("runbook.dry_run_header", name=name)]
    for step in planned:
        lines.append(f"{step.index + 1}. {step.name} ({step.kind})")
        lines += [f"     {line}" for line in step.lines]
        if step.problem:
            lines.append("     ! " + step.problem)
    return lines


def plan_message(name: str, planned: Sequence[PlannedStep], t: Translator) -> dict:
    lines = plan_lines(name, planned, t)
    return message(
        lines[0],
        [
            {"type": "section", "text": mrkdwn("*" + escape(lines[0]) + "*")},
            {"type": "section", "text": mrkdwn(code("\n".join(lines[1:])))},
        ],
    )
