"""The process environment, read once (the variables the design names)."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    @property
    def has_slack_credentials(self) -> bool:
        if self.slack_app_token is not None:
            return self.slack_bot_token is not None
        return self.slack_bot_token is not None and self.slack_signing_secret is not None
