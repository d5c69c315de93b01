"""`sre-bot.yml`: the team's configuration, validated, with errors that name file, line and key."""

import os
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator

from commands.alerts.config import AlertsConfig
from commands.errors import ConfigError
from commands.health.config import HealthTarget
from commands.incidents.severity import DEFAULT_SEVERITIES, SEVERITY_NAMES
from commands.oncall.config import OnCallConfig
from commands.people import clean_id, is_user_id
from commands.retention.config import RetentionConfig
from commands.runbooks.config import RunbooksConfig
from commands.slo.config import DigestConfig, SlosConfig
from commands.validation import Strict
from commands.yaml_lines import describe, load_yaml

__all__ = ["Config", "ConfigError", "SlackConfig", "load_config", "resolve_config"]


class SlackConfig(Strict):
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


class PrometheusConfig(Strict):
    url: str = "http://localhost:9090"
    # One budget for a whole report: every query of it must be answered within this time.
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # Queries in flight at once (one per SLO per window).
    max_concurrent_queries: int = Field(default=8, ge=1, le=64)


class SeverityConfig(Strict):
    response_minutes: int = Field(gt=0, le=7 * 24 * 60)
    postmortem_required: bool


def _default_severities() -> dict[str, SeverityConfig]:
    return {
        name: SeverityConfig(response_minutes=minutes, postmortem_required=pm)
        for name, (minutes, pm) in DEFAULT_SEVERITIES.items()
    }


class Config(Strict):
    slack: SlackConfig = SlackConfig()
    prometheus: PrometheusConfig = PrometheusConfig()
    severities: dict[str, SeverityConfig] = Field(default_factory=_default_severities)
    oncall: OnCallConfig = OnCallConfig()
    alerts: AlertsConfig = AlertsConfig()
    slos: SlosConfig = SlosConfig()
    # A folder of SLI plugin definitions (YAML), for Sloth specs with `sli.plugin`.
    slo_plugins: str | None = None
    digest: DigestConfig = DigestConfig()
    runbooks: RunbooksConfig = RunbooksConfig()
    health: list[HealthTarget] = Field(default_factory=list)
    retention: RetentionConfig = RetentionConfig()
    # Who a person at the command line is in Slack: login name (or email) -> Slack user ID.
    cli_users: dict[str, str] = Field(default_factory=dict)
    source: str = Field(default="(built-in defaults)", exclude=True)
    # The line of every key of the file it was read from, by path (("slos", 0) -> 41).
    key_lines: dict[tuple[str | int, ...], int] = Field(default_factory=dict, exclude=True)

    def where(self, *paths: tuple[str | int, ...]) -> str:
        """`file:line` of the first of these keys the file has (else the file alone), to
        name a configuration error as every other one is named."""
        line = next((self.key_lines[p] for p in paths if p in self.key_lines), None)
        return f"{self.source}:{line}" if line else self.source

    @field_validator("cli_users")
    @classmethod
    def _cli_user_ids(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {name.strip(): clean_id(str(user)) for name, user in value.items()}
        for name, user in cleaned.items():
            if not is_user_id(user):
                raise ValueError(f"{name}: {user!r} is not a Slack user ID; use IDs like U0123ABCD")
        return cleaned

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


def load_config(path: Path) -> Config:
    located = load_yaml(path)
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
            problems.append(f"{where}: {key}: {describe(dict(error))}{hint}")
        raise ConfigError("\n".join(problems)) from None
    return config.model_copy(update={"source": str(path), "key_lines": located.lines})


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
