"""`slos:` and `digest:` in sre-bot.yml: the spec files, the deploy gate, the daily digest."""

from typing import Any

from pydantic import Field, field_validator, model_validator

from commands.incidents.severity import SEVERITY_NAMES
from commands.slo.specs import parse_duration
from commands.validation import Strict


class DeployGateConfig(Strict):
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


class SlosConfig(Strict):
    """`slos:` is a list of spec files; the mapping form adds the gate and evaluation options."""

    files: list[str] = Field(default_factory=list)
    # Sloth AlertWindows files (or folders of them) for periods other than 30d and 28d.
    alert_windows: list[str] = Field(default_factory=list)
    # The period of an SLO whose spec names none (Sloth's --default-slo-period).
    default_window: str = "30d"
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

    @field_validator("default_window")
    @classmethod
    def _a_duration(cls, value: str) -> str:
        parse_duration(value)
        return value


class DigestConfig(Strict):
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
