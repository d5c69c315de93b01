"""`sre-bot.yml`: the team's configuration, validated, with errors that name file, line and key."""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)


class SeverityConfig(_Strict):
    response_minutes: int = Field(gt=0, le=7 * 24 * 60)
    postmortem_required: bool


def _default_severities() -> dict[str, SeverityConfig]:
    return {
        name: SeverityConfig(response_minutes=minutes, postmortem_required=pm)
        for name, (minutes, pm) in DEFAULT_SEVERITIES.items()
    }


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
