"""The one HTTP server: Slack requests, alert webhooks, health probes, the deploy gate and
metrics. Each route lives with its feature; this module puts them together."""

import hmac

from apscheduler.schedulers.base import BaseScheduler
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App
from starlette.concurrency import run_in_threadpool

from bot import metrics
from bot.http.alert_webhooks import mount_alert_webhooks
from bot.http.guard import HttpLimits
from bot.http.slack_events import mount_slack_events
from bot.readiness import readiness
from bot.runtime import Runtime
from commands.deploys.gate import ALLOWED, BLOCKED, check_deploy
from commands.errors import ConfigError
from storage.db import DatabaseUnavailable


def create_http_app(
    runtime: Runtime,
    bolt: App,
    scheduler: BaseScheduler,
    signing_secret: str,
    limits: HttpLimits | None = None,
) -> FastAPI:
    api = FastAPI(title="sre-bot", docs_url=None, redoc_url=None, openapi_url=None)
    # In Socket Mode Slack sends nothing here; the random signing secret refuses all.
    limits = limits or HttpLimits()
    body_timeout = limits.body_timeout
    mount_slack_events(api, bolt, signing_secret, runtime.ctx, body_timeout)
    mount_alert_webhooks(api, runtime, body_timeout)

    @api.get("/health/live")
    async def live() -> JSONResponse:
        failing = runtime.ctx.db.failing_for()
        if failing > limits.live_after_failing_writes:
            return JSONResponse(
                {"status": "failing", "detail": f"database writes failing for {failing:.0f} s"},
                status_code=503,
            )
        return JSONResponse({"status": "ok"})

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

    tokens = [
        secret.get_secret_value().strip().encode()
        for secret in (runtime.settings.deploy_check_token, runtime.settings.alert_webhook_token)
        if secret is not None and secret.get_secret_value().strip()
    ]

    def may_see_details(request: Request) -> bool:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        presented = given.strip().encode("utf-8", "replace")
        return scheme.lower() == "bearer" and any(
            hmac.compare_digest(presented, token) for token in tokens
        )

    @api.get("/deploy/check")
    async def deploy_check(request: Request) -> JSONResponse:
        """200 allowed, 409 blocked, 503 when Prometheus (or the database) cannot answer.
        The port is public: without a bearer token, only the decision and reason codes."""
        detailed = may_see_details(request)
        try:
            decision = await run_in_threadpool(check_deploy, runtime.ctx)
        except DatabaseUnavailable as exc:
            error = f"database unavailable: {exc}" if detailed else "database unavailable"
            return JSONResponse(
                {"allowed": False, "status": "unknown", "error": error}, status_code=503
            )
        except ConfigError as exc:
            error = f"configuration: {exc}" if detailed else "configuration error"
            return JSONResponse(
                {"allowed": False, "status": "unknown", "error": error}, status_code=500
            )
        status = {ALLOWED: 200, BLOCKED: 409}.get(decision.verdict, 503)
        body = decision.as_json() if detailed else decision.public_json()
        return JSONResponse(body, status_code=status)

    @api.get("/metrics")
    async def prometheus_metrics() -> Response:
        payload = await run_in_threadpool(generate_latest, metrics.REGISTRY)
        return Response(content=payload, media_type=CONTENT_TYPE_LATEST)

    return api
