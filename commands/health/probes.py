"""Asking the watched service how it is: one HTTP health check, one PromQL query.

Used by the health watch and by runbook steps. Every call has a timeout; nothing here
retries (the callers decide, with timers in the database)."""

import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from commands.conditions import Condition, parse_condition

BODY_EXCERPT = 500
_BODY_KEEP = 20_000


@dataclass(frozen=True)
class ProbeResult:
    healthy: bool
    status: int | None
    latency_ms: float
    detail: str  # why it is not healthy ('' when it is)
    body: dict[str, Any] = field(default_factory=dict)  # the JSON answer, when it was a JSON object
    excerpt: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "status": self.status,
            "latency_ms": round(self.latency_ms, 1),
            "detail": self.detail,
            "body": self.excerpt,
        }


def excerpt(text: str, limit: int = BODY_EXCERPT) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


def check(
    url: str,
    *,
    statuses: list[int],
    conditions: list[str],
    timeout: float,
    headers: dict[str, str] | None = None,
) -> ProbeResult:
    """GET `url`: healthy when the status is one of `statuses` and every condition holds."""
    parsed: list[Condition] = [parse_condition(c) for c in conditions]
    started = time.monotonic()
    try:
        response = httpx.get(url, headers=headers or {}, timeout=timeout)
    except httpx.TimeoutException:
        return ProbeResult(False, None, (time.monotonic() - started) * 1000, "timed out")
    except httpx.HTTPError as exc:
        return ProbeResult(False, None, (time.monotonic() - started) * 1000, _http_error(exc))
    latency = (time.monotonic() - started) * 1000
    data = _json(response)
    body = data if isinstance(data, dict) and len(response.content) <= _BODY_KEEP else {}
    text = excerpt(response.text)
    if response.status_code not in statuses:
        return ProbeResult(False, response.status_code, latency, "unexpected status", body, text)
    for condition in parsed:
        if not condition.holds(data):
            actual = condition.actual(data)
            detail = f"{condition} is false ({condition.path} = {json.dumps(actual)})"
            return ProbeResult(False, response.status_code, latency, detail, body, text)
    return ProbeResult(True, response.status_code, latency, "", body, text)


def _http_error(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or host unreachable"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


class PromQLError(Exception):
    """The query could not be answered; the message says why."""


def query(base_url: str, promql: str, *, timeout: float) -> list[tuple[dict[str, Any], float]]:
    """An instant query: (labels, value) of each series (a scalar is one unlabelled value)."""
    url = base_url.rstrip("/") + "/api/v1/query"
    try:
        response = httpx.get(url, params={"query": promql}, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise PromQLError(f"Prometheus at {base_url} did not answer in {timeout:g}s") from exc
    except httpx.HTTPError as exc:
        raise PromQLError(f"Prometheus at {base_url}: {_http_error(exc)}") from exc
    data = _json(response)
    if not isinstance(data, dict) or data.get("status") != "success":
        error = data.get("error") if isinstance(data, dict) else None
        raise PromQLError(
            f"Prometheus answered {response.status_code}: {error or excerpt(response.text, 200)}"
        )
    result = data.get("data") or {}
    kind, items = result.get("resultType"), result.get("result") or []
    try:
        if kind == "scalar":
            return [({}, float(items[1]))]
        if kind == "vector":
            return [(dict(item.get("metric") or {}), float(item["value"][1])) for item in items]
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise PromQLError(f"Prometheus answered an unreadable result: {exc}") from exc
    raise PromQLError(f"the query returns a {kind}; use an instant vector or scalar")
