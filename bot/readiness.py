"""Liveness and readiness: database, Slack auth and the background workers."""

from dataclasses import dataclass, field

from apscheduler.schedulers.base import BaseScheduler

from bot.runtime import Runtime
from commands.clock import iso_utc
from storage import outbox
from storage.db import DatabaseUnavailable

DEAD_LISTED = 20


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    # Shown with the check: a warning does not make the bot unready.
    extra: dict = field(default_factory=dict)


def dead_messages(runtime: Runtime) -> Check:
    """Messages Slack refused for good: a warning for a person to read the log, never a
    reason to take the bot out of service (it delivers everything else)."""
    with runtime.ctx.db.reader() as session:
        count = outbox.dead_count(session)
        latest = outbox.latest_dead(session, DEAD_LISTED)
    items = [
        {
            "outbox_id": m.id,
            "op": m.op,
            "template": m.template,
            "stream": m.stream,
            "error": m.last_error,
            "at": iso_utc(m.dead_at) if m.dead_at else None,
        }
        for m in latest
    ]
    detail = (
        f"{count} message(s) Slack refused for good; see the log by outbox_id" if count else "none"
    )
    return Check(True, detail, {"warning": bool(count), "count": count, "messages": items})


def readiness(runtime: Runtime, scheduler: BaseScheduler | None) -> dict[str, Check]:
    checks: dict[str, Check] = {}
    try:
        runtime.ctx.db.ping()
        checks["database"] = Check(True, "reachable")
        checks["dead_messages"] = dead_messages(runtime)
    except DatabaseUnavailable as exc:
        checks["database"] = Check(False, str(exc)[:200])
    auth = runtime.slack_auth
    with auth.lock:
        slack = Check(auth.ok, auth.detail)
    connected = runtime.socket_mode_connected
    if connected is not None and not connected():
        slack = Check(False, f"{slack.detail}; Socket Mode not connected")
    checks["slack"] = slack
    lookup = runtime.delivery.lookup_problem
    checks["post_lookup"] = Check(
        True,  # a warning: messages still go out, but one that timed out may be repeated
        f"cannot look for earlier posts ({lookup}); a post that timed out may be repeated"
        if lookup
        else "ok",
        {"warning": bool(lookup)},
    )
    running = scheduler is not None and scheduler.running
    delivery = runtime.delivery.healthy
    checks["scheduler"] = Check(
        running and delivery,
        "running"
        if running and delivery
        else f"scheduler running={running}, outbox delivery alive={delivery}",
    )
    return checks
