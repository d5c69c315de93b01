"""The background scheduler: short sweeps over database state, safe to run in every replica."""

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.runtime import Runtime
from commands.deliveries import forget_old
from commands.errors import ConfigError, PrometheusUnavailable
from commands.health import watch as health_watch
from commands.oncall import handoff, reminders
from commands.retention import sweep as retention
from commands.runbooks import engine
from commands.slo.digest import run_digest
from commands.slo.watch import evaluate_and_record
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)

ONCALL_SWEEP_SECONDS = 30
_CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def oncall_sweep(runtime: Runtime) -> int:
    """Owe the reminders and the handoff that are due; wake the outbox when any were.
    Safe in every replica at once: each message is claimed in the database."""
    try:
        owed = reminders.sweep(runtime.ctx).total + int(handoff.post_due_handoff(runtime.ctx))
    except DatabaseUnavailable as exc:
        log.warning("on-call sweep: database unavailable: %s", exc)
        return 0
    if owed:
        runtime.changed()
    return owed


def watch_slos(runtime: Runtime) -> None:
    """Evaluate every SLO; post the status changes (once, whichever replica sees them)."""
    try:
        changes = evaluate_and_record(runtime.ctx)
    except PrometheusUnavailable as exc:
        log.warning("SLO evaluation skipped: Prometheus unreachable (%s)", exc)
        return
    except (ConfigError, DatabaseUnavailable) as exc:
        log.error("SLO evaluation failed: %s", exc)
        return
    if changes:
        runtime.changed()


def post_digest(runtime: Runtime) -> None:
    """Post the daily digest when one is due and no replica has (also catches up after a
    restart): the claim is a row in the database."""
    try:
        outcome = run_digest(runtime.ctx)
    except DatabaseUnavailable as exc:
        log.error("digest: database unavailable: %s", exc)
        return
    if outcome.posted:
        log.info("digest %s owed (%s)", outcome.slot, outcome.reason)
        runtime.changed()


def run_runbooks(runtime: Runtime) -> int:
    """Carry out the runbook steps that are due (claimed, so replicas share the work)."""
    done = engine.sweep(runtime.ctx, runtime.worker_id)
    runtime.changed()
    return done


def watch_health(runtime: Runtime) -> int:
    """Check the health targets that are due; a failure episode starts its runbook."""
    checked = health_watch.sweep(runtime.ctx, runtime.worker_id)
    if checked:
        runtime.changed()
        run_runbooks(runtime)
    return checked


def keep_bounded(runtime: Runtime) -> retention.Swept | None:
    """Remove the history `retention:` no longer keeps: once a day, in one replica."""
    try:
        swept = retention.sweep(runtime.ctx, runtime.worker_id)
    except DatabaseUnavailable as exc:
        log.warning("retention sweep: database unavailable: %s", exc)
        return None
    if swept is not None:
        log.info(
            "retention: removed %d alert groups (%d alerts), %d incidents (%d timeline "
            "entries), %d delivered outbox messages in %d transactions",
            swept.alert_groups,
            swept.alerts,
            swept.incidents,
            swept.timeline_entries,
            swept.delivered_messages,
            swept.batches,
        )
    return swept


def build_scheduler(runtime: Runtime) -> BackgroundScheduler:
    tz = runtime.ctx.config.slack.tz
    scheduler = BackgroundScheduler(
        timezone=tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    # The first auth check runs at once, in the background: a Slack outage must not delay start.
    scheduler.add_job(
        runtime.slack_auth.check,
        "interval",
        args=[runtime.client],
        seconds=30,
        id="slack-auth-check",
        next_run_time=datetime.now(tz),
    )
    scheduler.add_job(forget_old, "interval", args=[runtime.ctx], hours=1, id="forget-old-events")
    # Tried every hour in every replica; the lease lets one of them sweep once a day.
    scheduler.add_job(
        keep_bounded,
        "interval",
        args=[runtime],
        hours=1,
        id="retention-sweep",
        next_run_time=datetime.now(tz) + timedelta(minutes=5),
    )
    scheduler.add_job(
        oncall_sweep,
        "interval",
        args=[runtime],
        seconds=ONCALL_SWEEP_SECONDS,
        id="oncall-sweep",
    )
    # The handoff on the minute (the sweep above catches it up after downtime).
    oncall = runtime.ctx.config.oncall
    scheduler.add_job(
        oncall_sweep,
        CronTrigger(
            day_of_week=_CRON_DAYS[oncall.handoff_weekday],
            hour=oncall.handoff_time.hour,
            minute=oncall.handoff_time.minute,
            timezone=tz,
        ),
        args=[runtime],
        id="oncall-handoff",
    )
    config = runtime.ctx.config
    if config.slos.files and config.slos.evaluate_every_minutes > 0:
        scheduler.add_job(
            watch_slos,
            "interval",
            args=[runtime],
            minutes=config.slos.evaluate_every_minutes,
            id="slo-status-watch",
        )
    if config.slos.files and config.digest.enabled:
        scheduler.add_job(
            post_digest,
            CronTrigger.from_crontab(config.digest.cron, timezone=tz),
            args=[runtime],
            id="slo-digest",
        )
        # After a restart (or a missed cron run) the digest still goes out the same day.
        scheduler.add_job(
            post_digest,
            "interval",
            args=[runtime],
            minutes=5,
            id="slo-digest-catch-up",
            next_run_time=datetime.now(tz),
        )
    # Runbook steps that are due (after waits, approvals, retries) and the health watch:
    # both claim rows in the database, so every replica may run them.
    every = runtime.ctx.config.runbooks.sweep_seconds
    scheduler.add_job(run_runbooks, "interval", args=[runtime], seconds=every, id="runbook-sweep")
    scheduler.add_job(watch_health, "interval", args=[runtime], seconds=every, id="health-watch")
    return scheduler
