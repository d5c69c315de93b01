"""The health watch: poll the service's health endpoints (and runbooks' PromQL triggers) on
an interval; N failures in a row make a failure episode, which is announced once and starts
the target's runbook once; the recovery is announced in the same thread.

Each check is claimed in the database first, so replicas never poll a target twice in one
interval, and the episode counter and `triggered_episode` make every announcement and run
happen once, whatever restarts or replicas do."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlmodel import Session

from commands.conditions import parse_condition
from commands.context import Context
from commands.errors import CommandError
from commands.health import probes
from commands.health.config import HealthTarget
from commands.notices import Template, Thread, health_ref
from commands.runbooks import catalog, runs, states
from storage import health as repo
from storage.models import WatchState

log = logging.getLogger(__name__)

CLAIM_MARGIN = timedelta(seconds=30)
# The guide's health JSON fields kept for `/health` (per model, and for all models).
GUIDE_FIELDS = (
    "model_name",
    "status",
    "loaded",
    "inference_ready",
    "last_inference_ms",
    "memory_mb",
    "gpu_memory_mb",
    "error_message",
    "checked_at",
    "uptime_seconds",
    "healthy_count",
    "degraded_count",
    "unhealthy_count",
    "total_models",
    "models",
    "gpu_available",
)


@dataclass(frozen=True)
class Watch:
    name: str  # the row's key: health:<target> or promql:<runbook>:<n>
    kind: Literal["health", "promql"]
    label: str
    interval: float
    failures: int
    channel: str
    runbooks: list[str] = field(default_factory=list)
    target: HealthTarget | None = None
    query: str = ""
    condition: str = ""
    timeout: float = 10.0


def watches(ctx: Context) -> list[Watch]:
    """The configured health targets, and the PromQL triggers of the loaded runbooks."""
    found = catalog.catalog(ctx)
    out = []
    for target in ctx.config.health:
        names = [target.runbook] if target.runbook else []
        for name, loaded in sorted(found.runbooks.items()):
            if name not in names and any(t.health == target.name for t in loaded.runbook.triggers):
                names.append(name)
        out.append(
            Watch(
                name=f"health:{target.name}",
                kind="health",
                label=target.name,
                interval=target.interval_seconds,
                failures=target.failures,
                channel=target.channel or ctx.config.slack.alert_channel,
                runbooks=names,
                target=target,
                timeout=target.timeout_seconds,
            )
        )
    for name, loaded in sorted(found.runbooks.items()):
        for n, trigger in enumerate(loaded.runbook.triggers):
            if trigger.promql and trigger.condition:
                out.append(
                    Watch(
                        name=f"promql:{name}:{n}",
                        kind="promql",
                        label=f"{name} ({trigger.promql} {trigger.condition})",
                        interval=trigger.interval,
                        failures=trigger.times,
                        channel=loaded.runbook.channel or ctx.config.runbook_channel(),
                        runbooks=[name],
                        query=trigger.promql,
                        condition=trigger.condition,
                        timeout=ctx.config.prometheus.timeout_seconds,
                    )
                )
    return out


@dataclass(frozen=True)
class Check:
    healthy: bool | None  # None: could not tell (Prometheus unreachable); counts for nothing
    status: int | None = None
    latency_ms: float | None = None
    error: str = ""
    body: dict[str, Any] = field(default_factory=dict)


def _probe(ctx: Context, watch: Watch) -> Check:
    if watch.target is not None:
        target = watch.target
        result = probes.check(
            target.url,
            statuses=target.expect.status,
            conditions=target.expect.json_,
            timeout=target.timeout_seconds,
        )
        body = {k: result.body[k] for k in GUIDE_FIELDS if k in result.body}
        return Check(result.healthy, result.status, result.latency_ms, result.detail, body)
    condition = parse_condition(watch.condition, field=False)
    try:
        series = probes.query(ctx.config.prometheus.url, watch.query, timeout=watch.timeout)
    except probes.PromQLError as exc:
        return Check(None, error=str(exc))
    values = [v for _, v in series]
    firing = any(condition.holds(v) for v in values)
    return Check(not firing, body={"values": values[:10]})


def sweep(ctx: Context, worker: str) -> int:
    """Check every due target once (claimed first); the number checked."""
    checked = 0
    for watch in watches(ctx):
        now = ctx.clock.now()
        with ctx.db.session() as session:
            repo.ensure(session, watch.name, now)
            claimed = repo.claim(
                session,
                watch.name,
                worker,
                now,
                now + timedelta(seconds=watch.timeout) + CLAIM_MARGIN,
            )
        if claimed:
            check = _probe(ctx, watch)
            _record(ctx, watch, worker, check)
            checked += 1
        _start_owed_runs(ctx, watch)
    return checked


def _record(ctx: Context, watch: Watch, worker: str, check: Check) -> None:
    now = ctx.clock.now()
    values: dict[str, object] = {
        "last_checked_at": now,
        "next_check_at": now + timedelta(seconds=watch.interval),
        "last_status": check.status,
        "last_latency_ms": check.latency_ms,
        "last_error": check.error[:500] or None,
        "last_body": check.body,
    }
    with ctx.db.session() as session:
        row = repo.get(session, watch.name)
        if row is None:
            return
        if check.healthy is None:
            repo.save(session, watch.name, worker, **values)
            return
        if check.healthy:
            values.update(consecutive_failures=0, last_ok_at=now, state="healthy")
            if row.state != "healthy":
                values["changed_at"] = now
            if not repo.save(session, watch.name, worker, **values):
                return
            if row.state == "unhealthy":
                _owe_change(session, watch, row.episode, "recovered", now)
            return
        failures = row.consecutive_failures + 1
        values["consecutive_failures"] = failures
        if failures >= watch.failures and row.state != "unhealthy":
            values.update(state="unhealthy", episode=row.episode + 1, changed_at=now)
            if not repo.save(session, watch.name, worker, **values):
                return
            _owe_change(session, watch, row.episode + 1, "down", now)
            return
        repo.save(session, watch.name, worker, **values)


def _owe_change(session: Session, watch: Watch, episode: int, change: str, now: datetime) -> None:
    """A failure episode's message (posted when it goes down), and its recovery: a reply, and
    the message edited to say so."""
    ref = health_ref(watch.name.split(":", 1)[1], episode)
    thread = Thread(ref, watch.channel, {"watch": watch.name, "episode": episode})
    if change == "down":
        thread.post(session, Template.HEALTH_CHANGE, now, change=change)
        return
    thread.reply(session, Template.HEALTH_CHANGE, now, change=change)
    thread.update(session, Template.HEALTH_CHANGE, now, change="down")


def _start_owed_runs(ctx: Context, watch: Watch) -> None:
    """Start the runbooks of an episode that has not had them yet (once per episode: the
    run's key holds the episode, and `triggered_episode` records that it was done)."""
    with ctx.db.reader() as session:
        row = repo.get(session, watch.name)
    if row is None or row.state != "unhealthy" or row.triggered_episode >= row.episode:
        return
    source = health_ref(watch.name.split(":", 1)[1], row.episode)
    trigger = {
        "health": {
            "target": watch.label,
            "status": row.last_status,
            "error": row.last_error or "",
            "failures": row.consecutive_failures,
            **({"url": watch.target.url} if watch.target else {"query": watch.query}),
        }
    }
    for name in watch.runbooks:
        try:
            runs.start_run(
                ctx,
                name,
                requested_by=states.BOT_ACTOR,
                source_ref=source,
                trigger=trigger,
                channel=watch.channel,
                key=f"{name}@{source}",
            )
        except CommandError as exc:
            log.error("health watch %s: cannot start runbook %s: %s", watch.name, name, exc)
    with ctx.db.session() as session:
        repo.mark_triggered(session, watch.name, row.episode)


@dataclass(frozen=True)
class TargetStatus:
    watch: Watch
    state: WatchState | None


def status(ctx: Context) -> list[TargetStatus]:
    """Every watched target with its last result, for `/health`."""
    with ctx.db.reader() as session:
        rows = {row.name: row for row in repo.all_states(session)}
    return [TargetStatus(w, rows.get(w.name)) for w in watches(ctx)]


def get_status(ctx: Context, name: str) -> TargetStatus | None:
    return next((s for s in status(ctx) if s.watch.name == name), None)
