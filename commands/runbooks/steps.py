"""What each kind of runbook step does when its turn comes, and what a dry run would do.

A step runs in ticks. A tick acts once (one request, one check) and returns an `Outcome`:
done (succeeded or failed) or `waiting` until a time, when the engine stores the result so
far and comes back then: waits, intervals between health checks and retry delays are timers
in the database, not sleeps, so they survive restarts. Steps that only write to the
database (notify, incident, approval, wait) are carried out by the engine itself.
"""

import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from commands.conditions import parse_condition
from commands.health import probes
from commands.runbooks.spec import CommandStep, HealthCheckStep, HttpStep, PromqlStep
from commands.runbooks.states import StepState
from commands.runbooks.templates import render, render_body, render_url

# Statuses that say the request was not carried out, so even a POST may be sent again.
NOT_APPLIED = (429, 502, 503, 504)


@dataclass(frozen=True)
class Outcome:
    state: StepState
    result: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None  # when to come back (waiting)
    detail: str = ""  # one line for people

    @property
    def done(self) -> bool:
        return self.state != StepState.WAITING


def _headers(step: HttpStep | HealthCheckStep, data: dict[str, Any]) -> dict[str, str]:
    return {name: render(value, data, "header") for name, value in step.headers.items()}


def run_http(step: HttpStep, data: dict[str, Any], prior: dict[str, Any], now: datetime) -> Outcome:
    url = render_url(step.url, data)
    headers = _headers(step, data)
    body = render_body(step.body, data) if step.body is not None else None
    attempts = list(prior.get("attempts") or [])
    request: dict[str, Any] = {"headers": headers, "timeout": step.timeout}
    if isinstance(body, dict | list):
        request["json"] = body
    elif body is not None:
        request["content"] = str(body).encode()
    sent = True
    try:
        response = httpx.request(step.method, url, **request)
    except httpx.TimeoutException:
        status, text, error = None, "", f"no answer within {step.timeout:g}s"
    except httpx.ConnectError:
        status, text, error, sent = None, "", "connection refused or host unreachable", False
    except httpx.HTTPError as exc:
        status, text, error = None, "", f"{type(exc).__name__}: {str(exc)[:200]}"
    else:
        status, text, error = response.status_code, probes.excerpt(response.text), ""
        if status in step.expect.status:
            problem = _json_problem(step.expect.json_, response)
            if problem:
                error = problem
        else:
            error = f"answered {status}, expected {', '.join(map(str, step.expect.status))}"
    attempt = {"at": now.isoformat(), "status": status, "body": text, "error": error}
    attempts.append(attempt)
    result = {"method": step.method, "url": url, "attempts": attempts, "status": status}
    result["body"] = text
    if not error:
        return Outcome(StepState.SUCCEEDED, result, detail=f"{step.method} {url} → {status}")
    # Retry when asked, and only when a retry cannot apply a change twice.
    may_repeat = step.idempotent or not sent or status in NOT_APPLIED
    if len(attempts) <= step.retries and may_repeat:
        at = now + timedelta(seconds=step.retry_delay)
        return Outcome(StepState.WAITING, result, at=at, detail=error)
    result["error"] = error
    return Outcome(StepState.FAILED, result, detail=f"{step.method} {url}: {error}")


def _json_problem(conditions: list[str], response: httpx.Response) -> str:
    if not conditions:
        return ""
    try:
        data = response.json()
    except ValueError:
        return "the answer is not JSON"
    for text in conditions:
        condition = parse_condition(text)
        if not condition.holds(data):
            return f"{condition} is false ({condition.path} = {json.dumps(condition.actual(data))})"
    return ""


def run_health_check(
    step: HealthCheckStep, data: dict[str, Any], prior: dict[str, Any], now: datetime
) -> Outcome:
    url = render_url(step.url, data)
    probe = probes.check(
        url,
        statuses=step.expect.status,
        conditions=step.expect.json_,
        timeout=step.timeout,
        headers=_headers(step, data),
    )
    checks = [*list(prior.get("checks") or []), {"at": now.isoformat(), **probe.as_json()}]
    result: dict[str, Any] = {"url": url, "checks": checks, "want": step.want}
    n = len(checks)
    state = "healthy" if probe.healthy else "unhealthy"
    line = f"check {n}/{step.times}: {state}" + (f" ({probe.detail})" if probe.detail else "")
    if step.want == "healthy":
        if probe.healthy:
            return Outcome(StepState.SUCCEEDED, result, detail=line)
        if n >= step.times:
            result["error"] = f"still unhealthy after {n} checks: {probe.detail}"
            return Outcome(StepState.FAILED, result, detail=result["error"])
    else:
        if probe.healthy:
            result["error"] = f"check {n} was healthy: the failure is not confirmed"
            return Outcome(StepState.FAILED, result, detail=result["error"])
        if n >= step.times:
            return Outcome(StepState.SUCCEEDED, result, detail=f"unhealthy {n} times in a row")
    return Outcome(
        StepState.WAITING, result, at=now + timedelta(seconds=step.interval), detail=line
    )


def run_promql(
    step: PromqlStep, data: dict[str, Any], prometheus_url: str, now: datetime
) -> Outcome:
    promql = render(step.query, data, "promql")
    condition = parse_condition(step.condition, field=False)
    result: dict[str, Any] = {"query": promql, "condition": step.condition}
    try:
        series = probes.query(prometheus_url, promql, timeout=step.timeout)
    except probes.PromQLError as exc:
        result["error"] = str(exc)
        return Outcome(StepState.FAILED, result, detail=str(exc))
    values = [value for _, value in series]
    result["values"] = values[:20]
    if not values:
        result["error"] = "the query returned no data"
        return Outcome(StepState.FAILED, result, detail=result["error"])
    holding = [condition.holds(v) for v in values]
    ok = any(holding) if step.match == "any" else all(holding)
    shown = ", ".join(f"{v:g}" for v in values[:5])
    if ok:
        return Outcome(StepState.SUCCEEDED, result, detail=f"{shown} {step.condition}: yes")
    result["error"] = f"{shown} {step.condition}: no"
    return Outcome(StepState.FAILED, result, detail=result["error"])


def run_command(step: CommandStep, data: dict[str, Any], now: datetime) -> Outcome:
    argv = [render(arg, data, "argv") for arg in step.argv]
    result: dict[str, Any] = {"argv": argv}
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=step.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        result["error"] = f"did not finish within {step.timeout:g}s (stopped)"
        return Outcome(StepState.FAILED, result, detail=result["error"])
    except OSError as exc:
        result["error"] = f"could not start {argv[0]!r}: {exc.strerror or exc}"
        return Outcome(StepState.FAILED, result, detail=result["error"])
    result.update(
        exit_code=done.returncode,
        stdout=probes.excerpt(done.stdout),
        stderr=probes.excerpt(done.stderr),
    )
    if done.returncode == 0:
        return Outcome(StepState.SUCCEEDED, result, detail=f"exit 0: {result['stdout'][:200]}")
    result["error"] = f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[:300]}"
    return Outcome(StepState.FAILED, result, detail=result["error"])
