"""The background scheduler: short sweeps over database state, safe to run in every replica."""

from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runbook_jobs import run_runbooks, watch_health
from bot.runtime import Runtime
from commands.deliveries import forget_old


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
    # Runbook steps that are due (after waits, approvals, retries) and the health watch:
    # both claim rows in the database, so every replica may run them.
    every = runtime.ctx.config.runbooks.sweep_seconds
    scheduler.add_job(run_runbooks, "interval", args=[runtime], seconds=every, id="runbook-sweep")
    scheduler.add_job(watch_health, "interval", args=[runtime], seconds=every, id="health-watch")
    return scheduler
