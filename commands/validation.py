"""Pieces every configuration file shares: strict models, and the checks that more than one
kind of file makes (an http(s) URL, a severity, what a healthy HTTP answer looks like)."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from commands.conditions import parse_condition
from commands.incidents.severity import SEVERITY_NAMES, parse_severity


class Strict(BaseModel):
    """A part of a configuration file: unknown keys are errors, values are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def severity_name(value: str) -> str:
    parsed = parse_severity(value)
    if parsed is None:
        raise ValueError(f"unknown severity {value!r}; the levels are {', '.join(SEVERITY_NAMES)}")
    return parsed


class Expect(Strict):
    """A good answer: one of the HTTP statuses, and every JSON condition holding (such as
    `status == healthy` or `inference_ready == true`)."""

    status: list[int] = Field(default_factory=lambda: [200])
    json_: list[str] = Field(default_factory=list, alias="json")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("status", "json_", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, int | str) else value

    @field_validator("status")
    @classmethod
    def _http_statuses(cls, value: list[int]) -> list[int]:
        if not value:
            raise ValueError("give at least one HTTP status")
        for status in value:
            if not 100 <= status <= 599:
                raise ValueError(f"{status} is not an HTTP status (100-599)")
        return value

    @field_validator("json_")
    @classmethod
    def _conditions_parse(cls, value: list[str]) -> list[str]:
        for condition in value:
            parse_condition(condition)
        return value
