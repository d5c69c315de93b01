"""Calling the Slack Web API, and sorting its failures into what to do next."""

import logging
import socket
import urllib.error
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics

log = logging.getLogger(__name__)

# Errors about the request's shape: the same words may still go out as plain text.
SHAPE = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_blocks_too_long",
        "msg_too_long",
        "invalid_arguments",
        "too_many_attachments",
        "no_text",
    }
)
# Errors that mean "this request can never succeed", however it is worded.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "restricted_action",
        "user_not_found",
        "user_not_in_channel",
    }
)
# Errors Slack documents as its own trouble, to be tried again like a 5xx.
TRANSIENT = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"}
)
# Errors that clear once a person fixes the app or its token: keep the message and retry slowly.
NEEDS_OPERATOR = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
    }
)


@dataclass
class SlackFailure(Exception):
    """A failed call. `kind`: rate_limited, unavailable (5xx, timeouts: retry), operator (a
    token or scope problem: retry slowly), shape (the request's form: try plain text),
    permanent, not_in_channel, or unknown (an `ok: false` error none of these name)."""

    method: str
    kind: str
    error: str
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.method}: {self.error}"


def make_client(token: str, base_url: str, timeout: float) -> WebClient:
    # No retry handlers: the outbox owns retries, with backoff and Retry-After.
    return WebClient(
        token=token, base_url=base_url, timeout=int(max(1, timeout)), retry_handlers=[]
    )


def _classify(method: str, exc: Exception) -> SlackFailure:
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = getattr(response, "status_code", 200)
        error = ""
        if isinstance(response.data, dict):
            error = str(response.data.get("error") or "")
        if status == 429 or error == "ratelimited":
            header = (response.headers or {}).get("Retry-After") or (response.headers or {}).get(
                "retry-after"
            )
            try:
                retry_after = float(header) if header is not None else 1.0
            except (TypeError, ValueError):
                retry_after = 1.0
            return SlackFailure(method, "rate_limited", "ratelimited", max(0.0, retry_after))
        if status >= 500:
            return SlackFailure(method, "unavailable", f"http_{status}")
        if error == "not_in_channel":
            return SlackFailure(method, "not_in_channel", error)
        if error in NEEDS_OPERATOR:
            return SlackFailure(method, "operator", error)
        if error in TRANSIENT:
            return SlackFailure(method, "unavailable", error)
        if error in SHAPE:
            return SlackFailure(method, "shape", error)
        if error in PERMANENT:
            return SlackFailure(method, "permanent", error)
        return SlackFailure(method, "unknown", error or f"http_{status}")
    if isinstance(exc, TimeoutError | socket.timeout):
        return SlackFailure(method, "unavailable", "timeout")
    if isinstance(exc, urllib.error.URLError | ConnectionError | OSError):
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError | socket.timeout):
            return SlackFailure(method, "unavailable", "timeout")
        return SlackFailure(method, "unavailable", f"connection: {reason}"[:200])
    return SlackFailure(method, "unavailable", f"{type(exc).__name__}: {exc}"[:200])


def call(client: WebClient, method: str, **params: Any) -> dict:
    """Call `method`; raise SlackFailure with what to do about a failure. Counts every call."""
    try:
        response = (
            client.api_call(method, json=params)
            if method in _JSON_METHODS
            else client.api_call(method, params=params)
        )
    except Exception as exc:  # every failure is sorted and counted
        failure = _classify(method, exc)
        metrics.SLACK_CALLS.labels(method=method, outcome="error").inc()
        metrics.SLACK_ERRORS.labels(method=method, error=failure.error[:40]).inc()
        raise failure from exc
    metrics.SLACK_CALLS.labels(method=method, outcome="ok").inc()
    return dict(response.data) if isinstance(response.data, dict) else {}


_JSON_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "views.open",
        "views.update",
        "views.push",
    }
)
