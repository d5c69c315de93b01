"""The daily SLO digest: every SLO's status, budget left and change since yesterday, with a
burn-down chart per SLO, posted to the digest channel at `digest.cron` in the team's timezone.

A digest of more SLOs than one message holds well is split: a summary (counts, and the SLOs
that need attention) and then every SLO, PART_SLOS to a message, in its thread.

The digest for a cron time is claimed in the database (one row per slot), so two replicas, a
sweep that runs twice, or a restart mid-way post it once. A bot that was down at 09:00 posts
it when it comes back, the same day. When Prometheus cannot be reached the digest says so.
"""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from commands.context import Context
from commands.errors import ConfigError, PrometheusUnavailable
from commands.notices import Template, Thread, digest_ref
from commands.prometheus import PrometheusClient, PrometheusQueryError
from commands.slo.evaluation import SloReport, budget_history, evaluate
from commands.slo.loading import load_slos
from commands.slo.specs import SloSpec
from storage import slo as repo

log = logging.getLogger(__name__)

CLAIM = timedelta(minutes=10)
CATCH_UP = timedelta(hours=12)  # a digest more than this late is skipped, not posted
KEEP_CHARTS = timedelta(days=14)
# SLOs in one digest message: 20 lines stay well inside Slack's 12,000 characters a message
# even with long names and services, and 20 sections inside its 50 blocks.
PART_SLOS = 20


def digest_parts(count: int) -> int:
    """How many messages follow the digest's summary in its thread: 0 when `count` SLOs fit
    in the digest itself."""
    return 0 if count <= PART_SLOS else -(-count // PART_SLOS)


def part_of(slos: list[Any], part: int) -> list[Any]:
    """The SLOs of part `part` (from 1) of a split digest."""
    return slos[(part - 1) * PART_SLOS : part * PART_SLOS]


def due_slot(ctx: Context) -> datetime | None:
    """The latest digest time at or before now (in the team's timezone), if within CATCH_UP."""
    config = ctx.config
    if not config.digest.enabled:
        return None
    tz = config.slack.tz
    now = ctx.clock.now().astimezone(tz)
    trigger = CronTrigger.from_crontab(config.digest.cron, timezone=tz)
    moment = trigger.get_next_fire_time(None, now - CATCH_UP)
    latest = None
    while moment is not None and moment <= now:
        latest = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return latest


def _slot_key(slot: datetime) -> str:
    return slot.strftime("%Y-%m-%dT%H:%M%z")


@dataclass(frozen=True)
class DigestOutcome:
    slot: str | None
    posted: bool
    reason: str  # posted | not_due | taken | unreachable | config_error


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "slo"


def _figures(ctx: Context, report: SloReport, day: str, yesterday: str) -> list[dict[str, Any]]:
    with ctx.db.reader() as session:
        previous = {
            r.spec.key: repo.snapshot(session, r.spec.key, yesterday) for r in report.results
        }
    out = []
    for result in report.results:
        before = previous.get(result.spec.key)
        change = None
        if before is not None and before.remaining is not None and result.remaining is not None:
            change = result.remaining - before.remaining
        out.append(
            {
                "key": result.spec.key,
                "service": result.spec.service,
                "slo": result.spec.name,
                "status": result.status.value,
                "objective": result.spec.objective,
                "window": result.spec.window_text,
                "sli": result.sli,
                "remaining": result.remaining,
                "change": change,
                "coverage": result.coverage,
            }
        )
    return out


def _charts(
    ctx: Context, specs: list[SloSpec], client: PrometheusClient, report: SloReport
) -> list[tuple[SloSpec, bytes]]:
    # matplotlib (and numpy under it) is large: loaded by the first digest, not by every
    # process that imports this module.
    from commands.slo.charts import budget_chart

    charts = []
    for spec in specs:
        points = budget_history(spec, client, report.evaluated_at)
        if len(points) < 2:
            continue
        png = budget_chart(
            spec.name, points, ctx.config.slack.tz, report.evaluated_at, spec.window_text
        )
        charts.append((spec, png))
    return charts


def run_digest(
    ctx: Context, client: PrometheusClient | None = None, worker: str | None = None
) -> DigestOutcome:
    """Post the digest if one is due and nobody has; safe to call as often as you like."""
    slot_time = due_slot(ctx)
    if slot_time is None:
        return DigestOutcome(None, False, "not_due")
    slot = _slot_key(slot_time)
    day = slot_time.date().isoformat()
    yesterday = (slot_time.date() - timedelta(days=1)).isoformat()
    worker = worker or f"digest-{uuid.uuid4().hex[:12]}"
    now = ctx.clock.now()
    with ctx.db.session() as session:
        if not repo.claim_run(session, slot, day, worker, now, CLAIM):
            return DigestOutcome(slot, False, "taken")
    own = client is None
    client = client or PrometheusClient.from_config(ctx.config)
    data: dict[str, Any] = {"day": day, "prometheus_url": client.url}
    charts: list[tuple[SloSpec, bytes]] = []
    report = None
    reason = "posted"
    try:
        specs = load_slos(ctx.config)
        report = evaluate(ctx, specs, client)
        data["slos"] = _figures(ctx, report, day, yesterday)
        try:
            charts = _charts(ctx, specs, client, report)
        except (PrometheusUnavailable, PrometheusQueryError) as exc:
            log.warning("digest: charts left out: %s", exc)
    except PrometheusUnavailable as exc:
        data["error"] = exc.reason
        reason = "unreachable"
    except ConfigError as exc:
        data["config_error"] = str(exc)
        reason = "config_error"
    finally:
        if own:
            client.close()
    now = ctx.clock.now()
    ref = digest_ref(slot)
    with ctx.db.session() as session:
        if not repo.finish_run(session, slot, worker, data, now):
            return DigestOutcome(slot, False, "taken")
        if report is not None:
            for result in report.results:
                repo.save_snapshot(
                    session,
                    result.spec.key,
                    day,
                    result.status.value,
                    result.remaining,
                    result.sli,
                    now,
                )
        thread = Thread(ref, ctx.config.digest_channel)
        thread.post(session, Template.SLO_DIGEST, now, slot=slot)
        for part in range(1, digest_parts(len(data.get("slos") or [])) + 1):
            thread.reply(session, Template.SLO_DIGEST_PART, now, slot=slot, part=part)
        for spec, png in charts:
            chart_id = repo.add_chart(
                session,
                slot,
                spec.key,
                f"slo-{_slug(spec.id)}-{day}.png",
                f"{spec.name}: error budget, {spec.window_text}",
                png,
                now,
            )
            thread.upload(session, Template.SLO_CHART, now, chart_id=chart_id)
        repo.forget_charts(session, now - KEEP_CHARTS)
    return DigestOutcome(slot, True, reason)


def get_run_data(ctx: Context, slot: str) -> dict[str, Any] | None:
    with ctx.db.reader() as session:
        run = repo.get_run(session, slot)
        return None if run is None else dict(run.data)


@dataclass(frozen=True)
class ChartFile:
    filename: str
    title: str
    png: bytes


def get_chart(ctx: Context, chart_id: int) -> ChartFile | None:
    with ctx.db.reader() as session:
        chart = repo.get_chart(session, chart_id)
        if chart is None:
            return None
        return ChartFile(chart.filename, chart.title, bytes(chart.png))
