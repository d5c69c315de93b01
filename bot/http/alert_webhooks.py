"""`POST /alerts/alertmanager` and `POST /alerts/grafana`: alert notifications in.

Each request is checked (bearer token, size, payload) before anything is written, then
ingested in one database transaction in a worker thread, and answered at once: Slack is
never called here. The outbox delivers the messages the change owes, so a Slack outage only
delays them, and Alertmanager's own retries are not needed for Slack's sake.
"""

import hmac
import logging
import threading
import uuid
from typing import Literal

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot import metrics
from bot.runtime import Runtime
from commands.alerts import ingest
from commands.alerts.payloads import PayloadError, parse_json
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)

# Notifications ingested at once; more wait for a free thread (SQLite has one writer anyway).
INGEST_THREADS = 4

Source = Literal["alertmanager", "grafana"]


def _answer(source: Source, result: str, status: int, body: dict) -> JSONResponse:
    metrics.ALERT_WEBHOOKS.labels(source=source, result=result).inc()
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def mount_alert_webhooks(api: FastAPI, runtime: Runtime) -> None:
    secret = runtime.settings.alert_webhook_token
    token = secret.get_secret_value().strip().encode() if secret is not None else b""
    limiter = anyio.CapacityLimiter(INGEST_THREADS)
    warned = threading.Event()

    def ingest_body(body: bytes, source: Source) -> ingest.IngestResult:
        return ingest.ingest(runtime.ctx, parse_json(body, source))

    async def receive(request: Request, source: Source) -> JSONResponse:
        if not token:
            if not warned.is_set():
                warned.set()
                log.error(
                    "alert webhook refused: ALERT_WEBHOOK_TOKEN is not set, so /alerts/* "
                    "answer 401 to every request; set it and configure the same bearer token "
                    "in Alertmanager or Grafana"
                )
            return _answer(
                source,
                "unauthorized",
                401,
                {"error": "alert webhooks are disabled: ALERT_WEBHOOK_TOKEN is not set"},
            )
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode("utf-8", "replace"), token
        ):
            return _answer(source, "unauthorized", 401, {"error": "missing or wrong bearer token"})
        limit = runtime.ctx.config.alerts.max_body_bytes
        too_large = {"error": f"request body over {limit} bytes (alerts.max_body_bytes)"}
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                return _answer(source, "bad_request", 400, {"error": "bad Content-Length"})
            if int(declared) > limit:
                return _answer(source, "too_large", 413, too_large)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return _answer(source, "too_large", 413, too_large)
        try:
            result = await anyio.to_thread.run_sync(
                ingest_body, bytes(body), source, limiter=limiter
            )
        except PayloadError as problem:
            return _answer(source, "bad_request", 400, {"error": str(problem)})
        except DatabaseUnavailable as exc:
            log.error("alert webhook: database unavailable: %s", exc)
            return _answer(source, "unavailable", 503, {"error": "database unavailable"})
        except Exception:
            reference = uuid.uuid4().hex[:8]
            log.exception("alert webhook failed (reference %s)", reference)
            return _answer(source, "error", 500, {"error": f"internal error {reference}"})
        runtime.changed()
        return _answer(
            source,
            "ok",
            200,
            {
                "status": "ok",
                "group_id": result.group_id,
                "group_status": result.status,
                "created": result.created,
                "changed": result.changed,
            },
        )

    @api.post("/alerts/alertmanager")
    async def alertmanager_webhook(request: Request) -> JSONResponse:
        return await receive(request, "alertmanager")

    @api.post("/alerts/grafana")
    async def grafana_webhook(request: Request) -> JSONResponse:
        return await receive(request, "grafana")
