"""The one HTTP server: Slack requests, health probes and metrics.

Bolt's own Starlette adapter calls the synchronous `App.dispatch` on the event loop, which
serialises every Slack request behind the slowest one: while one waits (for a database lock,
say), every other request and the health probes wait too. Here each request is dispatched in
a worker thread, so the event loop only reads bodies and writes answers. bench/ack_latency.py
measures both.
"""

import anyio
import anyio.to_thread
from apscheduler.schedulers.base import BaseScheduler
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

from bot import metrics
from bot.alert_webhooks import mount_alert_webhooks
from bot.health import readiness
from bot.runtime import Runtime
from bot.slack_requests import body_for_bolt, payload_problem, verify
from commands.clock import Clock, SlackClock
from commands.config import ConfigError
from commands.deploys.gate import ALLOWED, BLOCKED, check_deploy
from storage.db import DatabaseUnavailable

# Threads that run listeners. More would only queue on the GIL and the database; enough
# that one slow request (a lock wait, a slow database) does not hold up the others.
DISPATCH_THREADS = 8

# Slack's own payloads are far smaller; anything bigger is not from Slack.
SLACK_BODY_MAX = 1024 * 1024


def _kind(body: str) -> str:
    if body.startswith("payload="):
        return "interaction"
    if "command=" in body:
        return "command"
    return "event"


def mount_slack_events(api: FastAPI, bolt: App, signing_secret: str, clock: Clock) -> None:
    """`POST /slack/events`: verify, check the payload's shape, dispatch in a worker thread.
    Signatures are checked here, against the bot's clock; Bolt does not check them again."""
    verifier = SignatureVerifier(signing_secret, clock=SlackClock(clock))
    dispatchers = anyio.CapacityLimiter(DISPATCH_THREADS)

    @api.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        body_bytes = await request.body()
        if len(body_bytes) > SLACK_BODY_MAX:
            return JSONResponse({"error": "request body too large"}, status_code=413)
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


def create_http_app(
    runtime: Runtime, bolt: App, scheduler: BaseScheduler, signing_secret: str
) -> FastAPI:
    api = FastAPI(title="sre-bot", docs_url=None, redoc_url=None, openapi_url=None)
    # In Socket Mode Slack sends nothing here; the random signing secret refuses all.
    mount_slack_events(api, bolt, signing_secret, runtime.ctx.clock)
    mount_alert_webhooks(api, runtime)

    @api.get("/health/live")
    async def live() -> dict:
        return {"status": "ok"}

    @api.get("/health/ready")
    async def ready() -> JSONResponse:
        checks = await run_in_threadpool(readiness, runtime, scheduler)
        ok = all(check.ok for check in checks.values())
        return JSONResponse(
            {
                "status": "ok" if ok else "unavailable",
                "checks": {
                    name: {"ok": c.ok, "detail": c.detail, **c.extra} for name, c in checks.items()
                },
            },
            status_code=200 if ok else 503,
        )

    @api.get("/deploy/check")
    async def deploy_check() -> JSONResponse:
        """200 allowed, 409 blocked, 503 when Prometheus (or the database) cannot answer."""
        try:
            decision = await run_in_threadpool(check_deploy, runtime.ctx)
        except DatabaseUnavailable as exc:
            return JSONResponse(
                {"allowed": False, "status": "unknown", "error": f"database unavailable: {exc}"},
                status_code=503,
            )
        except ConfigError as exc:
            return JSONResponse(
                {"allowed": False, "status": "unknown", "error": f"configuration: {exc}"},
                status_code=500,
            )
        status = {ALLOWED: 200, BLOCKED: 409}.get(decision.verdict, 503)
        return JSONResponse(decision.as_json(), status_code=status)

    @api.get("/metrics")
    async def prometheus_metrics() -> Response:
        payload = await run_in_threadpool(generate_latest, metrics.REGISTRY)
        return Response(content=payload, media_type=CONTENT_TYPE_LATEST)

    return api
