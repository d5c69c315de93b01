"""The process environment, read once (the variables the design names)."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from commands.clock import BadInstant, Clock, clock_from_env
from commands.errors import ConfigError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_timeout_seconds: float = 10.0
    database_url: str = "sqlite:///sre-bot.db"
    prometheus_url: str | None = None
    sre_bot_config: str | None = None
    alert_webhook_token: SecretStr | None = None
    # Lets GET /deploy/check show incident titles and SLO names (else reason codes only).
    deploy_check_token: SecretStr | None = None
    # An ISO 8601 instant the process's clock starts at (then runs on): to rehearse a
    # handoff or a deadline without changing the machine's time. Unset: the system clock.
    sre_bot_now: str | None = None

    def clock(self) -> Clock:
        try:
            return clock_from_env(self.sre_bot_now)
        except BadInstant as exc:
            raise ConfigError(f"SRE_BOT_NOW: {exc}") from None

    @property
    def has_slack_credentials(self) -> bool:
        if self.slack_app_token is not None:
            return self.slack_bot_token is not None
        return self.slack_bot_token is not None and self.slack_signing_secret is not None
