"""Runbook files: their format, loading with clear errors, and templating from trigger data.

A runbook is a YAML file in the `runbooks` folder of `sre-bot.yml`. A bad file is reported
(file, line, step and field) and skipped; the others still load.

Templates (`{{ labels.model }}`) take values from the run's trigger data only (alert labels
and annotations, the health target, the incident), never from chat text, and are escaped
for where they land: URL-encoded in URLs, refused in headers when they hold a line break,
one argv element each in commands. Chat-typed incident fields (title, description) may be
quoted in Slack text, but never in a URL, header, body, query or command.
"""

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import (
    BeforeValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from commands.conditions import parse_condition, parse_duration
from commands.errors import ConfigError
from commands.incidents.severity import parse_severity
from commands.validation import Expect, Strict, http_url
from commands.yaml_lines import expand_env, load_yaml

KINDS = (
    "http",
    "health_check",
    "promql",
    "wait",
    "notify",
    "incident",
    "approval",
    "command",
)
# Methods that change something: never repeated without a person saying so.
SAFE_METHODS = ("GET", "HEAD")
# Trigger fields typed by people in chat: fine in Slack text, never in a request.
CHAT_FIELDS = (
    "incident.title",
    "incident.description",
    "incident.components",
    "incident.root_cause",
    "incident.resolution",
)
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$"
_TEMPLATE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}")
_PROMQL_SAFE = re.compile(r"^[A-Za-z0-9_:.\-/@ ]*$")


def _seconds(value: Any) -> float:
    return parse_duration(value).total_seconds()


Seconds = Annotated[float, BeforeValidator(_seconds)]


class _Step(Strict):
    name: str | None = Field(default=None, max_length=200)


class HttpStep(_Step):
    kind: Literal["http"]
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    expect: Expect = Field(default_factory=lambda: Expect(status=[200, 201, 202, 204]))
    timeout: Seconds = Field(default=10.0, gt=0, le=300)
    retries: int = Field(default=0, ge=0, le=10)
    retry_delay: Seconds = Field(default=5.0, ge=0, le=3600)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return http_url(value)

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @property
    def idempotent(self) -> bool:
        return self.method in SAFE_METHODS


class HealthCheckStep(_Step):
    kind: Literal["health_check"]
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    times: int = Field(default=1, ge=1, le=100)
    interval: Seconds = Field(default=10.0, ge=0, le=3600)
    timeout: Seconds = Field(default=5.0, gt=0, le=120)
    expect: Expect = Expect()
    # healthy: pass at the first healthy answer, fail after `times` unhealthy ones.
    # unhealthy: pass after `times` unhealthy answers in a row (confirming a failure),
    # stop at the first healthy one.
    want: Literal["healthy", "unhealthy"] = "healthy"

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return http_url(value)


class PromqlStep(_Step):
    kind: Literal["promql"]
    query: str = Field(min_length=1)
    condition: str
    match: Literal["any", "all"] = "any"
    timeout: Seconds = Field(default=10.0, gt=0, le=120)

    @field_validator("condition")
    @classmethod
    def _parses(cls, value: str) -> str:
        parse_condition(value, field=False)
        return value


class WaitStep(_Step):
    kind: Literal["wait"]
    duration: Seconds = Field(gt=0, le=86400)


class NotifyStep(_Step):
    kind: Literal["notify"]
    text: str = Field(min_length=1, max_length=3000)
    channel: str | None = None
    oncall: bool = False  # mention the person on call


class IncidentStep(_Step):
    kind: Literal["incident"]
    severity: str
    title: str = Field(min_length=1, max_length=500)
    description: str = ""

    @field_validator("severity")
    @classmethod
    def _known(cls, value: str) -> str:
        level = parse_severity(value)
        if level is None:
            raise ValueError(f"unknown severity {value!r}; use Sev1, Sev2, Sev3 or Sev4")
        return level


class ApprovalStep(_Step):
    kind: Literal["approval"]
    text: str = ""
    timeout: Seconds | None = Field(default=None, gt=0, le=7 * 86400)


class CommandStep(_Step):
    kind: Literal["command"]
    argv: list[str] = Field(min_length=1)
    timeout: Seconds = Field(default=60.0, gt=0, le=3600)


Step = Annotated[
    HttpStep
    | HealthCheckStep
    | PromqlStep
    | WaitStep
    | NotifyStep
    | IncidentStep
    | ApprovalStep
    | CommandStep,
    Field(discriminator="kind"),
]


def step_name(step: Any, index: int) -> str:
    return step.name or f"{step.kind} {index + 1}"


def idempotent(step: Any) -> bool:
    """Whether running the step twice is harmless (so a crash mid-step may retry it)."""
    if isinstance(step, HttpStep):
        return step.idempotent
    return isinstance(step, HealthCheckStep | PromqlStep | WaitStep)


class Trigger(Strict):
    """What starts the runbook by itself: an alert (name and/or labels), a health-watch
    target failing, or a PromQL condition holding `times` evaluations in a row."""

    alert: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    health: str | None = None
    promql: str | None = None
    condition: str | None = None
    interval: Seconds = Field(default=60.0, gt=0, le=86400)
    times: int = Field(default=1, ge=1, le=100)

    @model_validator(mode="after")
    def _one_kind(self) -> "Trigger":
        kinds = [
            k
            for k, given in (
                ("alert", self.alert or self.labels),
                ("health", self.health),
                ("promql", self.promql),
            )
            if given
        ]
        if len(kinds) != 1:
            raise ValueError(
                "a trigger is one of: `alert:` (and/or `labels:`), `health:`, or `promql:` "
                "with `condition:`"
            )
        if self.promql:
            if not self.condition:
                raise ValueError("a `promql:` trigger needs a `condition:` such as `> 100`")
            parse_condition(self.condition, field=False)
        elif self.condition:
            raise ValueError("`condition:` belongs to a `promql:` trigger")
        return self

    def matches_alert(self, labels: Mapping[str, str]) -> bool:
        if not (self.alert or self.labels):
            return False
        if self.alert and labels.get("alertname") != self.alert:
            return False
        return all(labels.get(k) == v for k, v in self.labels.items())


class Runbook(Strict):
    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    automation: Literal["auto", "approval"]
    approvers: list[str] = Field(default_factory=list)
    two_person_rule: bool = False
    approval_timeout: Seconds = Field(default=1800.0, gt=0, le=7 * 86400)
    channel: str | None = None
    triggers: list[Trigger] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1, max_length=50)

    @field_validator("approvers")
    @classmethod
    def _slack_ids(cls, value: list[str]) -> list[str]:
        for item in value:
            if not re.fullmatch(r"[UWS][A-Z0-9]{2,}", item):
                raise ValueError(
                    f"{item!r} is not a Slack user ID (U…) or user group ID (S…); "
                    "find it in the person's or group's profile"
                )
        return value

    @model_validator(mode="after")
    def _approvers_when_needed(self) -> "Runbook":
        gated = self.automation == "approval" or any(s.kind == "approval" for s in self.steps)
        if gated and not self.approvers:
            raise ValueError("a runbook that needs approval needs `approvers:` (U… or S… IDs)")
        if self.two_person_rule and not gated:
            raise ValueError("`two_person_rule` applies to runbooks that need approval")
        return self

    def user_approvers(self) -> list[str]:
        return [a for a in self.approvers if not a.startswith("S")]

    def group_approvers(self) -> list[str]:
        return [a for a in self.approvers if a.startswith("S")]


# --- templates -----------------------------------------------------------------------


class TemplateError(ValueError):
    """A template could not be filled in safely; the message says which and why."""


def template_names(text: str) -> list[str]:
    return _TEMPLATE.findall(text)


def _value(data: Mapping[str, Any], path: str) -> Any:
    found: Any = data
    for part in path.split("."):
        if isinstance(found, Mapping) and part in found:
            found = found[part]
        else:
            raise TemplateError(f"{{{{ {path} }}}} is not in the trigger data")
    if isinstance(found, list):
        return ", ".join(str(x) for x in found)
    if isinstance(found, dict):
        raise TemplateError(f"{{{{ {path} }}}} is a mapping, not a value")
    return "" if found is None else str(found)


def _for_request(path: str) -> None:
    if any(path == f or path.startswith(f + ".") for f in CHAT_FIELDS):
        raise TemplateError(
            f"{{{{ {path} }}}} comes from chat and may not be used in a request or command"
        )


def render(
    text: str,
    data: Mapping[str, Any],
    context: Literal["text", "url", "header", "body", "argv", "promql"],
    *,
    missing: Callable[[str], str] | None = None,
) -> str:
    """Fill `{{ path }}` from trigger data, escaped for `context`. `missing`, when given,
    words an absent value instead of failing (for dry runs)."""

    def replace(match: re.Match[str]) -> str:
        path = match.group(1)
        if context != "text":
            _for_request(path)
        try:
            value = _value(data, path)
        except TemplateError:
            if missing is None:
                raise
            return missing(path)
        if context == "url":
            return quote(value, safe="")
        if context == "header" and any(c in value for c in "\r\n\x00"):
            raise TemplateError(f"{{{{ {path} }}}} holds a line break; refused in a header")
        if context == "argv" and "\x00" in value:
            raise TemplateError(f"{{{{ {path} }}}} holds a NUL byte; refused in a command")
        if context == "promql" and not _PROMQL_SAFE.match(value):
            raise TemplateError(
                f"{{{{ {path} }}}} = {value[:60]!r} has characters refused in a PromQL query"
            )
        return value

    return _TEMPLATE.sub(replace, text)


def render_body(body: Any, data: Mapping[str, Any], **kw: Any) -> Any:
    """A JSON body with templates filled in its strings (JSON encoding escapes them)."""
    if isinstance(body, str):
        return render(body, data, "body", **kw)
    if isinstance(body, list):
        return [render_body(item, data, **kw) for item in body]
    if isinstance(body, dict):
        return {key: render_body(value, data, **kw) for key, value in body.items()}
    return body


def expand_tree(data: Any, environ: Mapping[str, str] | None = None) -> Any:
    """`${VAR}` and `${VAR:-default}` in every string of a raw runbook (KeyError: unset)."""
    env = os.environ if environ is None else environ
    if isinstance(data, str):
        return expand_env(data, env)  # type: ignore[arg-type]
    if isinstance(data, list):
        return [expand_tree(item, env) for item in data]
    if isinstance(data, dict):
        return {key: expand_tree(value, env) for key, value in data.items()}
    return data


def parse_runbook(raw: dict, environ: Mapping[str, str] | None = None) -> Runbook:
    """A runbook from its raw (unexpanded) form, as stored with a run."""
    return Runbook.model_validate(expand_tree(raw, environ))


# --- loading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedRunbook:
    runbook: Runbook
    raw: dict
    path: Path


@dataclass
class Catalog:
    runbooks: dict[str, LoadedRunbook] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return sorted(self.runbooks)


def _where(path: Path, lines: dict, loc: tuple) -> str:
    line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
    return f"{path}:{line}" if line else str(path)


def _describe_error(raw: Any, error: dict) -> tuple[tuple, str]:
    loc = tuple(error["loc"])
    # Discriminated unions put the step kind in the location: steps.2.http.url.
    if len(loc) > 2 and loc[0] == "steps" and loc[2] in KINDS:
        loc = loc[:2] + loc[3:]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "union_tag_invalid":
        message = f"unknown step kind; the kinds are {', '.join(KINDS)}"
    elif error["type"] == "union_tag_not_found":
        message = f"the step has no `kind:` ({', '.join(KINDS)})"
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = raw.get("steps") if isinstance(raw, dict) else None
        named = ""
        if isinstance(steps, list) and loc[1] < len(steps) and isinstance(steps[loc[1]], dict):
            named = str(steps[loc[1]].get("name") or "")
        what = f"step {loc[1] + 1}" + (f" ({named!r})" if named else "")
        rest = ".".join(str(p) for p in loc[2:])
        return loc, f"{what}" + (f", field {rest}" if rest else "") + f": {message}"
    key = ".".join(str(p) for p in loc) or "(top level)"
    return loc, f"field {key}: {message}"


def _check_templates(runbook: Runbook) -> list[str]:
    """Chat-typed fields used where they could reach a request: refused at load time."""
    problems = []
    for index, step in enumerate(runbook.steps):
        places: list[str] = []
        if isinstance(step, HttpStep | HealthCheckStep):
            places = [step.url, *step.headers.keys(), *step.headers.values()]
            if isinstance(step, HttpStep):
                places.append(repr(step.body))
        elif isinstance(step, PromqlStep):
            places = [step.query]
        elif isinstance(step, CommandStep):
            places = list(step.argv)
        for place in places:
            for name in template_names(place):
                try:
                    _for_request(name)
                except TemplateError as exc:
                    problems.append(f"step {index + 1} ({step_name(step, index)!r}): {exc}")
        if isinstance(step, HttpStep | HealthCheckStep):
            for header in step.headers:
                if template_names(header):
                    problems.append(
                        f"step {index + 1}: header names cannot be templates ({header!r})"
                    )
    return problems


def load_file(path: Path, *, allow_commands: bool) -> LoadedRunbook:
    """One runbook file; ConfigError naming file, line, step and field when it is bad."""
    raw = load_yaml(path, expand=False).data
    try:
        located = load_yaml(path)  # expands ${VAR}: an unset variable is named here
    except ConfigError:
        raise
    try:
        runbook = Runbook.model_validate(located.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc, text = _describe_error(located.data, error)
            problems.append(f"{_where(path, located.lines, loc)}: {text}")
        raise ConfigError("\n".join(problems)) from None
    problems = [f"{path}: {p}" for p in _check_templates(runbook)]
    if not allow_commands:
        for index, step in enumerate(runbook.steps):
            if isinstance(step, CommandStep):
                where = _where(path, located.lines, ("steps", index))
                problems.append(
                    f"{where}: step {index + 1} ({step_name(step, index)!r}) is a `command` "
                    "step, and command steps are off; set `runbooks: {allow_commands: true}` "
                    "in sre-bot.yml to allow them"
                )
    if problems:
        raise ConfigError("\n".join(problems))
    return LoadedRunbook(runbook, raw, path)


def load_folder(folder: Path | None, *, allow_commands: bool = False) -> Catalog:
    """Every `*.yml`/`*.yaml` file of the folder; bad files are reported and skipped."""
    catalog = Catalog()
    if folder is None:
        return catalog
    if not folder.is_dir():
        catalog.errors.append(f"{folder}: the runbooks folder does not exist")
        return catalog
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    for path in files:
        try:
            loaded = load_file(path, allow_commands=allow_commands)
        except ConfigError as exc:
            catalog.errors.append(str(exc))
            continue
        name = loaded.runbook.name
        if name in catalog.runbooks:
            catalog.errors.append(
                f"{path}: runbook name {name!r} is already used by "
                f"{catalog.runbooks[name].path.name}; names must be unique"
            )
            continue
        catalog.runbooks[name] = loaded
    return catalog
