"""The webhook payloads alerts arrive in, validated, as one `Notification` shape.

Alertmanager sends webhook version 4. Grafana's unified alerting webhook contact point sends
the same shape (its own `version` "1") with more: `orgId`, `title`, `state`, `message`, and per
alert `valueString`, `dashboardURL`, `panelURL`, `silenceURL`, `values`. Fields neither names
are ignored, so newer senders still work; fields they do name must have the right type.
"""

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# Alertmanager writes "no end" as the zero time.
_NO_END_BEFORE = datetime(1971, 1, 1, tzinfo=UTC)
LABEL_MAX = 1024  # a label or annotation longer than this is cut (a sane alert has none)
ANNOTATION_MAX = 8192


class PayloadError(ValueError):
    """The body is not a webhook payload we accept; `str()` says what is wrong and where."""


@dataclass(frozen=True)
class IncomingAlert:
    fingerprint: str
    status: str  # firing | resolved
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None
    generator_url: str = ""
    value: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    source: str  # alertmanager | grafana
    group_key: str
    status: str
    receiver: str
    group_labels: dict[str, str]
    common_labels: dict[str, str]
    common_annotations: dict[str, str]
    external_url: str
    alerts: list[IncomingAlert]
    truncated_alerts: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class _Alert(_Model):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: datetime  # the wire names, as Alertmanager spells them
    endsAt: datetime | None = None
    generatorURL: str = ""
    fingerprint: str | None = Field(default=None, max_length=64)
    # Grafana
    valueString: str | None = None
    dashboardURL: str | None = None
    panelURL: str | None = None
    silenceURL: str | None = None
    values: dict[str, float | int | str | None] | None = None

    @field_validator("labels")
    @classmethod
    def _some_label(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("an alert needs at least one label")
        return value


class _Webhook(_Model):
    version: str
    groupKey: str = Field(min_length=1)
    truncatedAlerts: int = Field(default=0, ge=0)
    status: Literal["firing", "resolved"]
    receiver: str = ""
    groupLabels: dict[str, str] = Field(default_factory=dict)
    commonLabels: dict[str, str] = Field(default_factory=dict)
    commonAnnotations: dict[str, str] = Field(default_factory=dict)
    externalURL: str = ""
    alerts: list[_Alert] = Field(min_length=1)
    # Grafana
    orgId: int | None = None
    title: str | None = None
    state: str | None = None
    message: str | None = None


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "(body)"
        problems.append(f"{where}: {item['msg']}")
    more = len(error.errors()) - 5
    if more > 0:
        problems.append(f"and {more} more")
    return "; ".join(problems)


def _text(value: str, limit: int) -> str:
    """Cut to `limit`, without NUL characters (PostgreSQL text cannot hold them) or lone
    surrogates (JSON escapes like \\ud800, which no database encoding can hold)."""
    if value.isascii():  # nearly always: no surrogate can be in it
        return (value.replace("\x00", "") if "\x00" in value else value)[:limit]
    clean = value.replace("\x00", "")[:limit]
    return clean.encode("utf-8", "replace").decode("utf-8")


def _cut(mapping: dict[str, str], limit: int) -> dict[str, str]:
    return {_text(k, LABEL_MAX): _text(v, limit) for k, v in mapping.items()}


def fingerprint_of(labels: dict[str, str]) -> str:
    """A stable ID for an alert without Alertmanager's fingerprint: a hash of its labels."""
    canonical = json.dumps(sorted(labels.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _alert(model: _Alert) -> IncomingAlert:
    labels = _cut(model.labels, LABEL_MAX)
    annotations = _cut(model.annotations, ANNOTATION_MAX)
    ends_at = _aware(model.endsAt) if model.endsAt is not None else None
    if ends_at is not None and ends_at < _NO_END_BEFORE:
        ends_at = None
    extra: dict[str, Any] = {
        name: _text(url, 2000)
        for name, url in (
            ("dashboard_url", model.dashboardURL),
            ("panel_url", model.panelURL),
            ("silence_url", model.silenceURL),
        )
        if url
    }
    if model.values:
        numbers = {
            _text(name, 64): number
            for name, number in model.values.items()
            if isinstance(number, int | float) and math.isfinite(number)
        }
        extra["values"] = dict(list(numbers.items())[:20])
    value = annotations.get("value") or model.valueString or None
    return IncomingAlert(
        fingerprint=_text(model.fingerprint or "", 64) or fingerprint_of(labels),
        status=model.status,
        labels=labels,
        annotations=annotations,
        starts_at=_aware(model.startsAt),
        ends_at=ends_at,
        generator_url=_text(model.generatorURL, 2000),
        value=_text(value, ANNOTATION_MAX) if value else None,
        extra=extra,
    )


def parse(data: Any, source: Literal["alertmanager", "grafana"]) -> Notification:
    """A validated notification; PayloadError naming the first problems otherwise."""
    if not isinstance(data, dict):
        raise PayloadError("the body must be a JSON object (an Alertmanager webhook payload)")
    try:
        model = _Webhook.model_validate(data)
    except ValidationError as exc:
        raise PayloadError(_describe(exc)) from None
    if source == "alertmanager" and model.version != "4":
        raise PayloadError(
            f"version: webhook payload version {model.version!r} is not supported; "
            "Alertmanager sends version 4"
        )
    if source == "grafana" and model.version not in ("1", "4"):
        raise PayloadError(
            f"version: webhook payload version {model.version!r} is not supported; "
            "Grafana's webhook contact point sends version 1"
        )
    extra: dict[str, Any] = {}
    if model.title:
        extra["title"] = _text(model.title, 500)
    if model.message:
        extra["message"] = _text(model.message, ANNOTATION_MAX)
    if model.orgId is not None:
        extra["org_id"] = model.orgId
    return Notification(
        source=source,
        group_key=_text(model.groupKey, 100_000),
        status=model.status,
        receiver=_text(model.receiver, 200),
        group_labels=_cut(model.groupLabels, LABEL_MAX),
        common_labels=_cut(model.commonLabels, LABEL_MAX),
        common_annotations=_cut(model.commonAnnotations, ANNOTATION_MAX),
        external_url=_text(model.externalURL, 2000),
        alerts=[_alert(a) for a in model.alerts],
        truncated_alerts=model.truncatedAlerts,
        extra=extra,
    )


def parse_json(body: bytes | bytearray, source: Literal["alertmanager", "grafana"]) -> Notification:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(
            f"the body is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"the body is not valid JSON ({exc})"[:300]) from None
    return parse(data, source)
