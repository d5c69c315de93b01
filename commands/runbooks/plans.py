"""What a run would do: the trigger data its templates see, and the dry run's plan."""

import json
import logging
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from commands.context import Context
from commands.errors import CommandError
from commands.incidents import lifecycle as incidents
from commands.runbooks import spec as steps
from commands.runbooks.secrets import mask, secrets_of
from commands.runbooks.templates import TemplateError, render, render_body, render_url
from storage import alerts as alert_repo

log = logging.getLogger(__name__)


def trigger_data(
    ctx: Context, source_ref: str | None, trigger: Mapping[str, Any] | None
) -> dict[str, Any]:
    data: dict[str, Any] = dict(trigger or {})
    if source_ref and source_ref.startswith("alert:") and "labels" not in data:
        group_id = source_ref.split(":", 1)[1]
        with ctx.db.reader() as session:
            group = alert_repo.get_group(session, int(group_id)) if group_id.isdigit() else None
        if group is not None:
            labels = dict(group.common_labels or {})
            data["labels"] = labels
            data["annotations"] = dict(group.common_annotations or {})
            data["alert"] = {
                "name": labels.get("alertname", ""),
                "group_id": group.id,
                "severity": group.severity,
                "status": group.status,
            }
    if source_ref and source_ref.startswith("incident:") and "incident" not in data:
        incident = incidents.get_incident(ctx, source_ref.split(":", 1)[1])
        data["incident"] = {
            "id": incident.id,
            "severity": incident.severity,
            "status": incident.status,
            "title": incident.title,
            "description": incident.description,
            "components": list(incident.components),
        }
    return data


# What an alert's labels and annotations may bring into a template: anyone who can send an
# alert chooses them, so they are cut to size and stripped of control characters first.
LABEL_MAX, ANNOTATION_MAX = 256, 2048
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u2028\u2029]")


def _cleaned(values: object, limit: int, keep_lines: bool) -> dict[str, str]:
    if not isinstance(values, Mapping):
        return {}
    out: dict[str, str] = {}
    for key, value in list(values.items())[:100]:
        text = _CONTROL.sub("", str(value))
        if not keep_lines:
            text = text.replace("\n", " ").replace("\t", " ")
        out[_CONTROL.sub("", str(key))[:128]] = text[:limit]
    return out


def template_data(run_id: int | None, name: str, trigger: Mapping[str, Any]) -> dict[str, Any]:
    data = {**trigger, "run": {"id": run_id or 0}, "runbook": {"name": name}}
    if "labels" in data:
        data["labels"] = _cleaned(data["labels"], LABEL_MAX, keep_lines=False)
    if "annotations" in data:
        data["annotations"] = _cleaned(data["annotations"], ANNOTATION_MAX, keep_lines=True)
    return data


@dataclass(frozen=True)
class PlannedStep:
    index: int
    name: str
    kind: str
    lines: list[str]
    problem: str = ""


def _missing(path: str) -> str:
    return f"⟨{path}: no value⟩"


def _masked_headers(
    raw_step: Mapping[str, Any], step: steps.HttpStep | steps.HealthCheckStep, data: dict[str, Any]
) -> list[str]:
    given = raw_step.get("headers")
    raw_headers: dict[str, Any] = given if isinstance(given, dict) else {}
    lines = []
    for name, value in step.headers.items():
        raw_value = str(raw_headers.get(name, ""))
        shown = raw_value if "${" in raw_value else render(value, data, "header", missing=_missing)
        lines.append(f"header {name}: {shown}")
    return lines


def plan(
    runbook: steps.Runbook, raw: dict[str, Any], data: dict[str, Any], ctx: Context
) -> list[PlannedStep]:
    """Every step with its parameters resolved from the trigger data, secrets masked.
    Performs nothing."""
    secrets = secrets_of(raw)
    planned = []
    raw_steps = raw.get("steps") or []
    for index, step in enumerate(runbook.steps):
        raw_step = raw_steps[index] if index < len(raw_steps) else {}
        lines: list[str] = []
        problem = ""
        try:
            if isinstance(step, steps.HttpStep):
                lines.append(f"{step.method} {render_url(step.url, data, missing=_missing)}")
                lines += _masked_headers(raw_step, step, data)
                if step.body is not None:
                    body = render_body(step.body, data, missing=_missing)
                    lines.append(f"body: {body if isinstance(body, str) else _json(body)}")
                lines.append(f"expect: status {', '.join(map(str, step.expect.status))}")
                lines += [f"expect: {c}" for c in step.expect.json_]
                lines.append(f"timeout {step.timeout:g}s, retries {step.retries}")
            elif isinstance(step, steps.HealthCheckStep):
                url = render_url(step.url, data, missing=_missing)
                lines.append(f"GET {url} × {step.times}, every {step.interval:g}s")
                lines += _masked_headers(raw_step, step, data)
                lines.append(f"healthy: status {', '.join(map(str, step.expect.status))}")
                lines += [f"healthy: {c}" for c in step.expect.json_]
                lines.append(f"wants: {step.want}")
            elif isinstance(step, steps.PromqlStep):
                query = render(step.query, data, "promql", missing=_missing)
                lines.append(f"query: {query}")
                lines.append(f"condition ({step.match}): {step.condition}")
                lines.append(f"Prometheus: {ctx.config.prometheus.url}")
            elif isinstance(step, steps.WaitStep):
                lines.append(f"wait {step.duration:g}s")
            elif isinstance(step, steps.NotifyStep):
                where = step.channel or "(the run's thread)"
                lines.append(f"to {where}" + (" + the on-call person" if step.oncall else ""))
                lines.append(render(step.text, data, "text", missing=_missing))
            elif isinstance(step, steps.IncidentStep):
                title = render(step.title, data, "text", missing=_missing)
                lines.append(f"declare a {step.severity} incident: {title}")
            elif isinstance(step, steps.ApprovalStep):
                lines.append(f"wait for an approver ({', '.join(runbook.approvers)})")
                if step.text:
                    lines.append(render(step.text, data, "text", missing=_missing))
            elif isinstance(step, steps.CommandStep):
                argv = [render(a, data, "argv", missing=_missing) for a in step.argv]
                lines.append("run: " + " ".join(_shell_quote(a) for a in argv))
                lines.append(f"timeout {step.timeout:g}s")
        except TemplateError as exc:
            problem = str(exc)
        lines, problem = mask(lines, secrets), mask(problem, secrets)
        planned.append(PlannedStep(index, steps.step_name(step, index), step.kind, lines, problem))
    return planned


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _shell_quote(arg: str) -> str:
    return shlex.quote(arg)


def parse(raw: dict[str, Any]) -> steps.Runbook:
    try:
        return steps.parse_runbook(raw)
    except KeyError as missing:
        raise CommandError("runbook.env_missing", variable=str(missing.args[0])) from None
