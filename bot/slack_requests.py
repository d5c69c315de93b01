"""Checking a Slack request before Bolt sees it: signature first, then the payload's shape.

Bolt verifies signatures too, but a malformed payload that passes verification would make
it raise; here it gets a 400 that says what is wrong.
"""

import json
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier


def verify(verifier: SignatureVerifier, body: str, headers: dict[str, str]) -> str | None:
    """None when the request is signed by Slack within 5 minutes, else what is wrong."""
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not timestamp or not signature:
        return "missing Slack signature headers"
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        return "invalid or expired Slack signature"
    return None


def payload_problem(body: str, content_type: str) -> str | None:
    """None when the body has the shape of a Slack command, interaction or event."""
    if "application/json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            return "body is not valid JSON"
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            return "event body has no 'type'"
        return None
    form = parse_qs(body, keep_blank_values=True)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return "payload is not valid JSON"
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            return "payload has no 'type'"
        kind = payload["type"]
        if kind in ("view_submission", "view_closed"):
            view = payload.get("view")
            if not isinstance(view, dict) or not isinstance(view.get("type"), str):
                return f"{kind} payload has no view with a 'type'"
        if kind == "block_actions":
            actions = payload.get("actions")
            if not isinstance(actions, list) or not actions:
                return "block_actions payload has no 'actions' list"
            if not all(
                isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions
            ):
                return "block_actions payload has an action without an 'action_id'"
        if not isinstance(payload.get("user", {}), dict):
            return "payload 'user' is not an object"
        return None
    if "command" in form:
        return None
    if "ssl_check" in form:
        return None
    return "not a Slack command, interaction or event"


def body_for_bolt(body: str, content_type: str) -> str:
    """The verified body as Bolt should read it. Bolt takes any form body containing the word
    "payload" for an interaction and finds none in a slash command such as `/incident note
    INC-1 payload too large`, which it then cannot route (404). Percent-encoding the word's
    `a` keeps every value as typed and Bolt on its ordinary path."""
    if "application/json" in content_type or "payload" not in body:
        return body
    if "payload" in parse_qs(body, keep_blank_values=True):
        return body
    return body.replace("payload", "p%61yload")


def user_id(body: dict) -> str:
    """The ID of the person behind an interaction payload ('' when absent)."""
    return str((body.get("user") or {}).get("id") or "")
