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
from bot.http.bodies import BODY_TIMEOUT, declared_length, drain, read_capped, too_slow
from bot.runtime import Runtime
from commands.alerts import ingest
from commands.alerts.payloads import PayloadError, parse_json
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)

# Notifications read and ingested at once; more wait their turn (SQLite has one writer anyway).
# A body is read only with a turn held, so bodies in memory stay under this × max_body_bytes.
INGEST_THREADS = 4
# A refused body is still read (and dropped) up to this size, so that its sender reads our
# 413 rather than a broken pipe; a bigger one is cut off.
DRAIN_MAX_BYTES = 64 * 1024 * 1024

Source = Literal["alertmanager", "grafana"]


def _answer(
    source: Source, result: str, status: int, body: dict, headers: dict[str, str] | None = None
) -> JSONResponse:
    metrics.ALERT_WEBHOOKS.labels(source=source, result=result).inc()
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse(body, status_code=status, headers=headers)


def _refuse_too_large(source: Source, body: dict, *, close: bool = False) -> JSONResponse:
    return _answer(source, "too_large", 413, body, {"Connection": "close"} if close else None)


def mount_alert_webhooks(
    api: FastAPI, runtime: Runtime, body_timeout: float = BODY_TIMEOUT
) -> None:
    secret = runtime.settings.alert_webhook_token
    token = secret.get_secret_value().strip().encode() if secret is not None else b""
    limiter = anyio.CapacityLimiter(INGEST_THREADS)
    warned = threading.Event()

    def ingest_body(body: bytearray, source: Source) -> ingest.IngestResult:
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
        declared = declared_length(request)
        if declared == -1:
            return _answer(source, "bad_request", 400, {"error": "bad Content-Length"})
        if declared is not None and declared > DRAIN_MAX_BYTES:
            return _refuse_too_large(source, too_large, close=True)
        if declared is not None and declared > limit:
            await drain(request, DRAIN_MAX_BYTES, body_timeout)
            return _refuse_too_large(source, too_large)
        try:
            async with limiter:
                body, more = await read_capped(request, limit, body_timeout)
                if body is not None:
                    result = await anyio.to_thread.run_sync(ingest_body, body, source)
            if body is None:
                if more:
                    await drain(request, DRAIN_MAX_BYTES, body_timeout)
                return _refuse_too_large(source, too_large)
        except TimeoutError:
            return too_slow()
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
