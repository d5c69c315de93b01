"""Liveness and readiness: database, Slack auth and the background workers."""

from dataclasses import dataclass

from apscheduler.schedulers.base import BaseScheduler

from bot.runtime import Runtime
from storage.db import DatabaseUnavailable


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def readiness(runtime: Runtime, scheduler: BaseScheduler | None) -> dict[str, Check]:
    checks: dict[str, Check] = {}
    try:
        runtime.ctx.db.ping()
        checks["database"] = Check(True, "reachable")
    except DatabaseUnavailable as exc:
        checks["database"] = Check(False, str(exc)[:200])
    auth = runtime.slack_auth
    with auth.lock:
        slack = Check(auth.ok, auth.detail)
    connected = runtime.socket_mode_connected
    if connected is not None and not connected():
        slack = Check(False, f"{slack.detail}; Socket Mode not connected")
    checks["slack"] = slack
    running = scheduler is not None and scheduler.running
    delivery = runtime.delivery.healthy
    checks["scheduler"] = Check(
        running and delivery,
        "running"
        if running and delivery
        else f"scheduler running={running}, outbox delivery alive={delivery}",
    )
    return checks
