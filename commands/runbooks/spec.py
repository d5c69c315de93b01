"""The runbook format: a runbook, its triggers and its eight kinds of step, validated
strictly (pydantic), with `${VAR}` from the environment expanded when a step runs."""

import os
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from commands.conditions import parse_condition, parse_duration
from commands.incidents.severity import parse_severity
from commands.validation import Expect, Strict, http_url
from commands.yaml_lines import expand_env

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
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$"
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


# Programs that run a script given on their command line, and the option that gives it.
_SCRIPT_OPTION = {
    **dict.fromkeys(("sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "fish"), "c"),
    **dict.fromkeys(("python", "python3", "pwsh"), "c"),
    **dict.fromkeys(("perl", "ruby", "node"), "e"),
}


def _script_with_template(argv: list[str]) -> bool:
    """Whether a value would be pasted into a script (`sh -c "... {{ x }}"`), where a label
    holding `; rm -rf /` runs. As a separate argument (`sh -c 'echo "$1"' sh {{ x }}`) it
    is only data."""
    words = list(argv)
    while words and (PurePosixPath(words[0]).name == "env" or "=" in words[0]):
        words.pop(0)  # `env VAR=value program ...`
    if not words:
        return False
    option = _SCRIPT_OPTION.get(PurePosixPath(words[0]).name.rstrip("0123456789."))
    if option is None:
        return False
    for index, word in enumerate(words[1:], 1):
        if word.startswith("-") and not word.startswith("--") and option in word[1:]:
            return index + 1 < len(words) and "{{" in words[index + 1]
    return False


class CommandStep(_Step):
    kind: Literal["command"]
    argv: list[str] = Field(min_length=1)
    timeout: Seconds = Field(default=60.0, gt=0, le=3600)

    @field_validator("argv")
    @classmethod
    def _values_as_arguments(cls, value: list[str]) -> list[str]:
        if _script_with_template(value):
            raise ValueError(
                "a {{ template }} inside a script given to a shell or interpreter is refused: "
                "a label could run commands. Pass values as separate arguments "
                "(sh -c 'echo \"$1\"' sh {{ labels.x }})"
            )
        return value


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

    @property
    def needs_approval(self) -> bool:
        """Before it starts, or at one of its steps."""
        return self.automation == "approval" or any(s.kind == "approval" for s in self.steps)

    @model_validator(mode="after")
    def _approvers_when_needed(self) -> "Runbook":
        gated = self.needs_approval
        if gated and not self.approvers:
            raise ValueError("a runbook that needs approval needs `approvers:` (U… or S… IDs)")
        if self.two_person_rule and not gated:
            raise ValueError("`two_person_rule` applies to runbooks that need approval")
        return self


def expand_tree(data: Any, environ: Mapping[str, str] | None = None) -> Any:
    """`${VAR}` and `${VAR:-default}` in every string of a raw runbook (KeyError: unset)."""
    env = os.environ if environ is None else environ
    if isinstance(data, str):
        return expand_env(data, env)
    if isinstance(data, list):
        return [expand_tree(item, env) for item in data]
    if isinstance(data, dict):
        return {key: expand_tree(value, env) for key, value in data.items()}
    return data


def parse_runbook(raw: dict[str, Any], environ: Mapping[str, str] | None = None) -> Runbook:
    """A runbook from its raw (unexpanded) form, as stored with a run."""
    return Runbook.model_validate(expand_tree(raw, environ))
