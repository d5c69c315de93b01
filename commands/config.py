"""`sre-bot.yml`: the team's configuration, validated, with errors that name file, line and key."""

import os
import re
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from commands.incidents.severity import DEFAULT_SEVERITIES, SEVERITY_NAMES, parse_severity


class ConfigError(Exception):
    """A configuration problem, worded for the person who has to fix the file."""

    heading = "configuration error"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlackConfig(_Strict):
    incident_channel: str = "#incidents"
    alert_channel: str = "#alerts"
    digest_channel: str = "#sre"
    timezone: str = "UTC"
    locale: Literal["en", "ko"] = "en"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r}; use an IANA name such as 'Asia/Seoul' or 'UTC'"
            ) from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class PrometheusConfig(_Strict):
    url: str = "http://localhost:9090"
    # One budget for a whole report: every query of it must be answered within this time.
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # Queries in flight at once (one per SLO per window).
    max_concurrent_queries: int = Field(default=8, ge=1, le=64)


class DeployGateConfig(_Strict):
    # Open incidents of these severities block deploys too (an empty list: only budgets do).
    block_on_open_incidents: list[str] = Field(default_factory=lambda: ["Sev1", "Sev2"])

    @field_validator("block_on_open_incidents")
    @classmethod
    def _known_severities(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in SEVERITY_NAMES]
        if unknown:
            raise ValueError(
                f"unknown severity {unknown[0]!r}; the levels are {', '.join(SEVERITY_NAMES)}"
            )
        return value


class SlosConfig(_Strict):
    """`slos:` is a list of spec files; the mapping form adds the gate and evaluation options."""

    files: list[str] = Field(default_factory=list)
    deploy_gate: DeployGateConfig = DeployGateConfig()
    # How often the bot evaluates every SLO to post status changes (warning, exhausted,
    # recovered); 0 turns the posts off.
    evaluate_every_minutes: int = Field(default=5, ge=0, le=24 * 60)
    # Where status changes are posted; default slack.digest_channel.
    channel: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _list_form(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, list):
            return {"files": value}
        return value


class DigestConfig(_Strict):
    enabled: bool = True
    # Five-field crontab in slack.timezone: minute hour day-of-month month day-of-week.
    cron: str = "0 9 * * *"
    # Default slack.digest_channel.
    channel: str | None = None

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(
                f"not a crontab expression ({exc}); write five fields, e.g. '0 9 * * *'"
            ) from exc
        return value


class SeverityConfig(_Strict):
    response_minutes: int = Field(gt=0, le=7 * 24 * 60)
    postmortem_required: bool


def _default_severities() -> dict[str, SeverityConfig]:
    return {
        name: SeverityConfig(response_minutes=minutes, postmortem_required=pm)
        for name, (minutes, pm) in DEFAULT_SEVERITIES.items()
    }


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock_time(text: str, what: str) -> time:
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValueError(f"{what} {text!r} is not a time of day; write it as HH:MM, e.g. 17:00")
    return time(int(match.group(1)), int(match.group(2)))


def _clock_range(text: str, what: str) -> tuple[time, time]:
    first, sep, second = text.partition("-")
    if not sep:
        raise ValueError(
            f"{what} {text!r} is not a range; write it as HH:MM-HH:MM, e.g. 09:00-17:00"
        )
    return _clock_time(first, what), _clock_time(second, what)


class EscalationStep(_Strict):
    """One step of the ack-reminder ladder: `after_minutes` past the response target,
    remind `notify` in the thread (primary, secondary, or the channel with @here)."""

    after_minutes: int = Field(ge=0, le=7 * 24 * 60)
    notify: Literal["primary", "secondary", "channel"]


def _default_escalation() -> list[EscalationStep]:
    return [
        EscalationStep(after_minutes=0, notify="primary"),
        EscalationStep(after_minutes=10, notify="secondary"),
        EscalationStep(after_minutes=20, notify="channel"),
    ]


class OnCallConfig(_Strict):
    """The rotation from the guide: weekly, handoff Friday 17:00 in `slack.timezone`, weekday
    shifts in working hours and a weekend shift (Sat-Sun, 24 h standby)."""

    members: list[str] = Field(default_factory=list)  # Slack user IDs, in rotation order
    # Escalation targets, rotated like `members`; empty: the next member in the rotation.
    secondaries: list[str] = Field(default_factory=list)
    # The first handoff on or after this date starts the week of members[0].
    start: date = date(2026, 1, 2)
    handoff: str = "Fri 17:00"
    # Weekday shifts cover these hours Mon-Fri; the weekend shift runs from the end of
    # Friday's to the start of Monday's. Pages outside them go to the shift's primary.
    working_hours: str = "09:00-17:00"
    # Pages in these hours (local) count as night pages for fatigue monitoring.
    night_hours: str = "22:00-08:00"
    escalation: list[EscalationStep] = Field(default_factory=_default_escalation, min_length=1)
    update_reminder_minutes: int = Field(default=30, ge=0, le=24 * 60)  # 0: off
    postmortem_reminder_hours: int = Field(default=24, ge=0, le=24 * 30)  # 0: off
    # Where the handoff is posted; empty: `slack.digest_channel`, the team's SRE channel.
    channel: str = ""

    @field_validator("members", "secondaries")
    @classmethod
    def _user_ids(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip().removeprefix("<@").removesuffix(">").split("|")[0] for v in value]
        for given, user in zip(value, cleaned, strict=True):
            if not _USER_ID.match(user):
                raise ValueError(
                    f"{given!r} is not a Slack user ID; use IDs like U0123ABCD "
                    "(in Slack: the person's profile, More, Copy member ID)"
                )
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("a person is listed twice; list each Slack user ID once")
        return cleaned

    @field_validator("handoff")
    @classmethod
    def _handoff(cls, value: str) -> str:
        day, _, clock = value.strip().partition(" ")
        if day[:3].title() not in _WEEKDAYS or len(day) < 3:
            raise ValueError(
                f"handoff {value!r} needs a weekday and a time, e.g. 'Fri 17:00' "
                f"(days: {', '.join(_WEEKDAYS)})"
            )
        _clock_time(clock, "handoff time")
        return f"{day[:3].title()} {clock.strip()}"

    @field_validator("working_hours", "night_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        _clock_range(value, "hours")
        return value.strip()

    @field_validator("escalation")
    @classmethod
    def _ascending(cls, value: list[EscalationStep]) -> list[EscalationStep]:
        minutes = [step.after_minutes for step in value]
        if minutes != sorted(set(minutes)):
            raise ValueError("escalation steps must have increasing after_minutes (0, 10, 20 ...)")
        return value

    @model_validator(mode="after")
    def _working_hours_order(self) -> "OnCallConfig":
        begin, end = self.working_range
        if end <= begin:
            raise ValueError(f"working_hours {self.working_hours!r} must end after it begins")
        return self

    @property
    def handoff_weekday(self) -> int:
        """0 = Monday."""
        return _WEEKDAYS.index(self.handoff.split(" ")[0])

    @property
    def handoff_time(self) -> time:
        return _clock_time(self.handoff.split(" ", 1)[1], "handoff time")

    @property
    def working_range(self) -> tuple[time, time]:
        return _clock_range(self.working_hours, "working_hours")

    @property
    def night_range(self) -> tuple[time, time]:
        return _clock_range(self.night_hours, "night_hours")


# The `severity` label Prometheus rules and Grafana alerts usually carry, as a guide severity:
# `page` wakes someone (Sev1), `critical` is a major feature down (Sev2), `warning` and
# `error` are partial (Sev3), `info` is minor (Sev4). Labels not listed get `default_severity`.
DEFAULT_SEVERITY_LABELS: dict[str, str] = {
    "page": "Sev1",
    "critical": "Sev2",
    "error": "Sev3",
    "warning": "Sev3",
    "info": "Sev4",
    "none": "Sev4",
}
_MENTION = re.compile(r"^(?:[UW][A-Z0-9]{2,}|S[A-Z0-9]{2,}|here|channel|oncall)$")


def _severity_name(value: str) -> str:
    parsed = parse_severity(value)
    if parsed is None:
        raise ValueError(f"unknown severity {value!r}; the levels are {', '.join(SEVERITY_NAMES)}")
    return parsed


class AlertRoute(_Strict):
    """Alerts whose labels match go to `channel`; the first matching route wins."""

    match: dict[str, str] = Field(default_factory=dict)
    match_re: dict[str, str] = Field(default_factory=dict)
    channel: str | None = None
    severity: str | None = None
    declare_incident: str | None = None
    # Whom the new thread tags; `oncall` is the person on call then. Left out: the person
    # on call; an empty list tags nobody.
    mention: list[str] | None = None

    @field_validator("match_re")
    @classmethod
    def _valid_patterns(cls, value: dict[str, str]) -> dict[str, str]:
        for label, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{label}: not a valid regular expression ({exc})") from exc
        return value

    @field_validator("severity", "declare_incident")
    @classmethod
    def _known_severity(cls, value: str | None) -> str | None:
        return None if value is None else _severity_name(value)

    @field_validator("mention")
    @classmethod
    def _slack_ids(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            if not _MENTION.match(item):
                raise ValueError(
                    f"{item!r} is not a Slack user ID (U0123ABCD), user group ID (S0123ABCD), "
                    "'here', 'channel' or 'oncall'"
                )
        return value

    def matches(self, labels: dict[str, str]) -> bool:
        """Every `match` label equal, every `match_re` label matching in full (as Alertmanager
        anchors its regular expressions); a label that is absent counts as empty."""
        if any(labels.get(k, "") != v for k, v in self.match.items()):
            return False
        return all(re.fullmatch(p, labels.get(k, "")) for k, p in self.match_re.items())


class AlertsConfig(_Strict):
    # Alertmanager's base URL, for the Silence button (unset: no Silence button).
    alertmanager_url: str | None = None
    routes: list[AlertRoute] = Field(default_factory=list)
    severity_labels: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SEVERITY_LABELS))
    default_severity: str = "Sev3"
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024)

    @field_validator("alertmanager_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://[^/\s]+", value.strip()):
            raise ValueError(f"{value!r} is not an http(s) URL such as http://alertmanager:9093")
        return value.strip().rstrip("/")

    @field_validator("severity_labels")
    @classmethod
    def _mapped_severities(cls, value: dict[str, str]) -> dict[str, str]:
        return {label.lower(): _severity_name(level) for label, level in value.items()}

    @field_validator("default_severity")
    @classmethod
    def _default_level(cls, value: str) -> str:
        return _severity_name(value)


class RunbooksConfig(_Strict):
    """`runbooks:` is the folder of runbook YAML files, or a mapping with options."""

    folder: str | None = None
    # `command` steps run programs on the bot's host: off unless the team turns them on.
    allow_commands: bool = False
    # Where a run posts when it was not started from an alert or incident thread
    # (default: slack.alert_channel).
    channel: str | None = None
    # How often the bot looks for runbook steps that are due.
    sweep_seconds: float = Field(default=2.0, gt=0, le=300)


class HealthExpect(_Strict):
    """What a healthy answer looks like: the HTTP status, and conditions on JSON fields
    such as `status == healthy` or `inference_ready == true`."""

    status: int = Field(default=200, ge=100, le=599)
    json_: list[str] = Field(default_factory=list, alias="json")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("json_", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("json_")
    @classmethod
    def _conditions_parse(cls, value: list[str]) -> list[str]:
        from commands.conditions import parse_condition

        for condition in value:
            parse_condition(condition)
        return value


class HealthTarget(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,60}$")
    url: str
    interval_seconds: float = Field(default=30.0, gt=0, le=86400)
    timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    failures: int = Field(default=3, ge=1, le=100)
    expect: HealthExpect = HealthExpect()
    runbook: str | None = None
    channel: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value


class Config(_Strict):
    slack: SlackConfig = SlackConfig()
    prometheus: PrometheusConfig = PrometheusConfig()
    severities: dict[str, SeverityConfig] = Field(default_factory=_default_severities)
    oncall: OnCallConfig = OnCallConfig()
    alerts: AlertsConfig = AlertsConfig()
    slos: SlosConfig = SlosConfig()
    digest: DigestConfig = DigestConfig()
    runbooks: RunbooksConfig = RunbooksConfig()
    health: list[HealthTarget] = Field(default_factory=list)
    source: str = Field(default="(built-in defaults)", exclude=True)

    @field_validator("runbooks", mode="before")
    @classmethod
    def _folder_alone(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"folder": value}
        return {} if value is None else value

    @field_validator("health", mode="before")
    @classmethod
    def _targets_by_name(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, dict):
            return [
                {"name": name, **body} if isinstance(body, dict) else body
                for name, body in value.items()
            ]
        return value

    @field_validator("health")
    @classmethod
    def _unique_targets(cls, value: list[HealthTarget]) -> list[HealthTarget]:
        names = [target.name for target in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"health target {name!r} is listed twice")
        return value

    def runbooks_folder(self) -> Path | None:
        """The runbooks folder, relative to the configuration file."""
        if not self.runbooks.folder:
            return None
        folder = Path(self.runbooks.folder).expanduser()
        if not folder.is_absolute() and self.source and Path(self.source).is_file():
            folder = Path(self.source).resolve().parent / folder
        return folder

    def runbook_channel(self) -> str:
        return self.runbooks.channel or self.slack.alert_channel

    @field_validator("severities", mode="before")
    @classmethod
    def _merge_severities(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        unknown = sorted(set(value) - set(SEVERITY_NAMES))
        if unknown:
            raise ValueError(
                f"unknown severity {unknown[0]!r}; the levels are {', '.join(SEVERITY_NAMES)}"
            )
        merged: dict[str, Any] = {}
        for name, (minutes, pm) in DEFAULT_SEVERITIES.items():
            given = value.get(name) or {}
            if not isinstance(given, dict):
                merged[name] = given
                continue
            merged[name] = {"response_minutes": minutes, "postmortem_required": pm, **given}
        return merged

    def response_minutes(self, severity: str) -> int:
        return self.severities[severity].response_minutes

    def postmortem_required(self, severity: str) -> bool:
        return self.severities[severity].postmortem_required

    @property
    def oncall_channel(self) -> str:
        """Where the on-call handoff goes: `oncall.channel`, else the SRE channel."""
        return self.oncall.channel or self.slack.digest_channel

    @property
    def base_dir(self) -> Path:
        """Where relative paths in the file point from: the file's folder (else the cwd)."""
        path = Path(self.source)
        return path.parent if path.is_file() else Path.cwd()

    def resolve_path(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    @property
    def digest_channel(self) -> str:
        return self.digest.channel or self.slack.digest_channel

    @property
    def slo_channel(self) -> str:
        return self.slos.channel or self.slack.digest_channel

    def prometheus_url(self, environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
        """`PROMETHEUS_URL` wins over `prometheus.url`."""
        return (environ.get("PROMETHEUS_URL") or "").strip() or self.prometheus.url


_ENV_PATTERN = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(value: str, environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """Expand `${VAR}` and `${VAR:-default}`; `$$` is a literal dollar sign."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        found = environ.get(name)
        if found not in (None, ""):
            return found
        if default is not None:
            return default
        raise KeyError(name)

    return _ENV_PATTERN.sub(replace, value)


@dataclass(frozen=True)
class _Located:
    data: Any
    lines: dict[tuple[str | int, ...], int]


def located(
    root: yaml.Node, path: Path, *, expand: bool = True
) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """A composed YAML document's data, and the line of every key (to name it in errors);
    `${VAR}` in scalars is expanded unless `expand` is False."""
    lines: dict[tuple[str | int, ...], int] = {}
    constructor = yaml.SafeLoader("")

    def build(node: yaml.Node, at: tuple[str | int, ...]) -> Any:
        lines.setdefault(at, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                lines[(*at, key)] = key_node.start_mark.line + 1
                out[key] = build(value_node, (*at, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*at, i)) for i, item in enumerate(node.value)]
        value = constructor.construct_object(node, deep=True)
        if isinstance(value, str) and expand:
            try:
                return expand_env(value)
            except KeyError as missing:
                dotted = ".".join(str(p) for p in at)
                raise ConfigError(
                    f"{path}:{node.start_mark.line + 1}: {dotted}: environment variable "
                    f"{missing.args[0]} is not set; set it or write ${{{missing.args[0]}:-default}}"
                ) from None
        return value

    return build(root, ()), lines


def _load_yaml(path: Path, *, expand: bool = True) -> _Located:
    """Parse YAML keeping the line of every key, and expand `${VAR}` in scalars (unless
    `expand` is False: runbooks keep `${SECRET}` unexpanded until a step uses it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: not valid YAML ({problem})") from exc
    data, lines = located(root, path, expand=expand) if root is not None else ({}, {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys such as 'slack:'")
    return _Located(data, lines)


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def load_config(path: Path) -> Config:
    located = _load_yaml(path)
    try:
        config = Config.model_validate(located.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = next(
                (
                    located.lines[loc[:n]]
                    for n in range(len(loc), -1, -1)
                    if loc[:n] in located.lines
                ),
                None,
            )
            key = ".".join(str(p) for p in loc) or "(top level)"
            where = f"{path}:{line}" if line else str(path)
            hint = ""
            if error["type"] == "extra_forbidden":
                parent = loc[:-1]
                model = _model_at(parent)
                if model is not None:
                    hint = f" (known keys: {', '.join(sorted(model.model_fields))})"
            problems.append(f"{where}: {key}: {_describe(error)}{hint}")
        raise ConfigError("\n".join(problems)) from None
    return config.model_copy(update={"source": str(path)})


def _model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = Config
    for part in path:
        field = model.model_fields.get(str(part))
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def find_config_path(explicit: str | None, cwd: Path | None = None) -> Path | None:
    """`SRE_BOT_CONFIG`, else `./sre-bot.yml`, else `examples/sre-bot.yml`, else defaults."""
    if explicit:
        return Path(explicit)
    base = cwd or Path.cwd()
    for candidate in (base / "sre-bot.yml", base / "examples" / "sre-bot.yml"):
        if candidate.is_file():
            return candidate
    return None


def resolve_config(explicit: str | None) -> Config:
    path = find_config_path(explicit)
    if path is None:
        return Config()
    if not path.is_file():
        raise ConfigError(f"{path}: no such file (set SRE_BOT_CONFIG to an existing sre-bot.yml)")
    return load_config(path)
