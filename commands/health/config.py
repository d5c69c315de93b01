"""`health:` in sre-bot.yml: the service endpoints the bot watches."""

from pydantic import Field, field_validator

from commands.validation import Expect, Strict, http_url


class HealthTarget(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,60}$")
    url: str
    interval_seconds: float = Field(default=30.0, gt=0, le=86400)
    timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    failures: int = Field(default=3, ge=1, le=100)
    expect: Expect = Expect()
    runbook: str | None = None
    channel: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return http_url(value)
