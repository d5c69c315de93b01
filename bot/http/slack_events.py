"""`POST /slack/events`: every Slack request, checked before Bolt sees it, then dispatched.

The signature is checked first (against the bot's clock), then the payload's shape: Bolt would
raise on a malformed payload that passes verification; here it gets a 400 that says what is
wrong. Bolt's own Starlette adapter calls the synchronous `App.dispatch` on the event loop,
which serialises every Slack request behind the slowest one: while one waits (for a database
lock, say), every other request and the health probes wait too. Here each request is
dispatched in a worker thread, so the event loop only reads bodies and writes answers.
bench/ack_latency.py measures both.
"""

import hashlib
import json
import logging
from urllib.parse import parse_qs

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App, BoltRequest
from slack_sdk import signature
from slack_sdk.signature import SignatureVerifier

from bot import metrics
from bot.http.bodies import BODY_TIMEOUT, declared_length, read_capped, too_slow
from commands.clock import Clock
from commands.context import Context
from commands.deliveries import first_delivery
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)

# Threads that run listeners. More would only queue on the GIL and the database; enough
# that one slow request (a lock wait, a slow database) does not hold up the others.
DISPATCH_THREADS = 8


# Slack's own payloads are far smaller; anything bigger is not from Slack.
SLACK_BODY_MAX = 1024 * 1024
# A modal's state is the deepest thing Slack sends, about 10 levels.
MAX_DEPTH = 64


def _kind(body: str) -> str:
    if body.startswith("payload="):
        return "interaction"
    if "command=" in body:
        return "command"
    return "event"


class SlackClock(signature.Clock):
    """`slack_sdk`'s clock interface (seconds since the epoch) over ours, so that request
    signatures are checked against the same time as everything else."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def now(self) -> float:
        return self.clock.now().timestamp()


def _too_large() -> JSONResponse:
    return JSONResponse(
        {"error": f"request body over {SLACK_BODY_MAX} bytes"},
        status_code=413,
        headers={"Connection": "close"},
    )


def mount_slack_events(
    api: FastAPI, bolt: App, signing_secret: str, ctx: Context, body_timeout: float = BODY_TIMEOUT
) -> None:
    """`POST /slack/events`: verify, check the payload's shape, dispatch in a worker thread.
    Signatures are checked here, against the bot's clock; Bolt does not check them again."""
    verifier = SignatureVerifier(signing_secret, clock=SlackClock(ctx.clock))
    dispatchers = anyio.CapacityLimiter(DISPATCH_THREADS)

    def first_sight(signature: str) -> bool:
        """Whether this signed request is new. A signature is valid for 5 minutes, and Slack
        never sends the same bytes twice (each request has its own trigger or event ID), so
        a signature seen before is a replay. Remembered in the database, which every replica
        shares; if the database cannot be reached, the listener's own answer says so."""
        digest = hashlib.sha256(signature.encode("ascii")).hexdigest()[:60]
        try:
            return first_delivery(ctx, f"sig:{digest}")
        except DatabaseUnavailable:
            log.warning("could not check for a replayed request: database unavailable")
            return True

    @api.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        declared = declared_length(request)
        if declared == -1:
            return JSONResponse({"error": "bad Content-Length"}, status_code=400)
        if declared is not None and declared > SLACK_BODY_MAX:
            return _too_large()  # refused from the headers: nothing is read
        try:
            body_bytes, _ = await read_capped(request, SLACK_BODY_MAX, body_timeout)
        except TimeoutError:
            return too_slow()
        if body_bytes is None:
            return _too_large()
        try:
            body = body_bytes.decode("utf-8")
        except UnicodeDecodeError:
            return JSONResponse({"error": "request body is not UTF-8"}, status_code=400)
        headers = {k.lower(): v for k, v in request.headers.items()}
        unverified = verify(verifier, body, headers)
        if unverified:
            metrics.SLACK_REQUESTS.labels(kind="unverified", outcome="401").inc()
            return JSONResponse({"error": unverified}, status_code=401)
        problem = payload_problem(body, headers.get("content-type", ""))
        if problem:
            metrics.SLACK_REQUESTS.labels(kind="malformed", outcome="400").inc()
            return JSONResponse({"error": problem}, status_code=400)
        if not await anyio.to_thread.run_sync(first_sight, headers["x-slack-signature"]):
            metrics.SLACK_REQUESTS.labels(kind="replayed", outcome="200").inc()
            return Response(status_code=200)  # a replay of a request already handled
        bolt_request = BoltRequest(
            body=body_for_bolt(body, headers.get("content-type", "")),
            query=request.url.query,
            headers={k: [v] for k, v in headers.items()},
        )
        bolt_response = await anyio.to_thread.run_sync(
            bolt.dispatch, bolt_request, limiter=dispatchers
        )
        metrics.SLACK_REQUESTS.labels(kind=_kind(body), outcome=str(bolt_response.status)).inc()
        answer_headers = {
            name: values[0]
            for name, values in bolt_response.headers.items()
            if values and name.lower() != "content-length"
        }
        return Response(
            content=bolt_response.body, status_code=bolt_response.status, headers=answer_headers
        )


def verify(verifier: SignatureVerifier, body: str, headers: dict[str, str]) -> str | None:
    """None when the request is signed by Slack within 5 minutes, else what is wrong."""
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not timestamp or not signature:
        return "missing Slack signature headers"
    if not timestamp.strip().isdigit() or len(timestamp) > 20 or not signature.isascii():
        return "malformed Slack signature headers"
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        return "invalid or expired Slack signature"
    return None


def _too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON nests deeper than `limit` (checked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _json(text: str) -> tuple[object, str | None]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None, "not valid JSON"
    if _too_deep(data):
        return None, f"nested deeper than {MAX_DEPTH} levels"
    return data, None


# Where Slack puts a user, channel or team: an ID, or an object with one. Bolt reads them
# before any listener and fails on anything else.
_IDS = ("user", "channel", "team", "enterprise")


def _id_problem(where: str, data: dict) -> str | None:
    for key in _IDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str | dict):
            return f"{where} '{key}' is neither an ID nor an object"
        if isinstance(value, dict) and not isinstance(value.get("id", ""), str):
            return f"{where} '{key}.id' is not a string"
    return None


def payload_problem(body: str, content_type: str) -> str | None:
    """None when the body has the shape of a Slack command, interaction or event."""
    if "application/json" in content_type:
        data, problem = _json(body)
        if problem:
            return f"body is {problem}"
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            return "event body has no 'type'"
        event = data.get("event")
        if event is not None:
            if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                return "event has no 'type'"
            return _id_problem("event", event) or _id_problem("body", data)
        return _id_problem("body", data)
    form = parse_qs(body, keep_blank_values=True)
    if "payload" in form:
        payload, problem = _json(form["payload"][0])
        if problem:
            return f"payload is {problem}"
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
        return _id_problem("payload", payload)
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
