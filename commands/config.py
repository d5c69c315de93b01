"""`sre-bot.yml`: the team's configuration, validated, with errors that name file, line and key."""

import os
import re
from dataclasses import dataclass
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

from commands.severity import DEFAULT_SEVERITIES, SEVERITY_NAMES


class ConfigError(Exception):
    """A configuration problem, worded for the person who has to fix the file."""


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


class Config(_Strict):
    slack: SlackConfig = SlackConfig()
    prometheus: PrometheusConfig = PrometheusConfig()
    severities: dict[str, SeverityConfig] = Field(default_factory=_default_severities)
    slos: SlosConfig = SlosConfig()
    digest: DigestConfig = DigestConfig()
    source: str = Field(default="(built-in defaults)", exclude=True)

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


def _load_yaml(path: Path) -> _Located:
    """Parse YAML keeping the line of every key, and expand `${VAR}` in scalars."""
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
        if isinstance(value, str):
            try:
                return expand_env(value)
            except KeyError as missing:
                dotted = ".".join(str(p) for p in at)
                raise ConfigError(
                    f"{path}:{node.start_mark.line + 1}: {dotted}: environment variable "
                    f"{missing.args[0]} is not set; set it or write ${{{missing.args[0]}:-default}}"
                ) from None
        return value

    data = build(root, ()) if root is not None else {}
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
