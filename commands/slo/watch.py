"""Status changes: post once when an SLO crosses into warning or exhausted, or recovers.

Each evaluation compares every SLO's status with the last one recorded; a change is claimed
with a conditional update (`... WHERE status = old`), so two replicas, or an evaluation run
twice, post it once. `no_data` changes nothing: a scrape gap is not news.
"""

import logging
from dataclasses import dataclass
from typing import Any

from commands.context import Context
from commands.notices import Template, slo_stream
from commands.prometheus import PrometheusClient
from commands.slo.budget import SloStatus
from commands.slo.evaluation import SloReport, SloResult, evaluate
from storage import outbox
from storage import slo as repo
from storage.outbox import Op

log = logging.getLogger(__name__)

WORTH_TELLING = (SloStatus.WARNING, SloStatus.EXHAUSTED)


@dataclass(frozen=True)
class Change:
    key: str
    old: str | None
    new: str


def _worth_posting(old: str | None, new: str) -> bool:
    if new in WORTH_TELLING:
        return True
    return new == SloStatus.HEALTHY and old in WORTH_TELLING


def _args(result: SloResult, old: str | None) -> dict[str, Any]:
    spec = result.spec
    return {
        "service": spec.service,
        "slo": spec.name,
        "from": old,
        "to": result.status.value,
        "remaining": result.remaining,
        "objective": spec.objective,
        "window": spec.window_text,
        "burn_1h": result.burn_rates.get("1h"),
        "evaluated_at": result.evaluated_at.isoformat(),
    }


def record_statuses(ctx: Context, report: SloReport) -> list[Change]:
    """Record each SLO's status; owe a Slack post for each change worth telling."""
    changes: list[Change] = []
    now = ctx.clock.now()
    channel = ctx.config.slo_channel
    for result in report.results:
        key = result.spec.key
        new = result.status
        with ctx.db.session() as session:
            if new == SloStatus.NO_DATA:
                continue
            state = repo.get_state(session, key)
            if state is None:
                claimed = repo.first_state(session, key, new.value, result.remaining, now)
                old = None
            elif state.status == new.value:
                repo.touch_state(session, key, result.remaining, now)
                continue
            else:
                old = state.status
                claimed = repo.move_state(session, key, old, new.value, result.remaining, now)
            if not claimed:
                continue
            changes.append(Change(key, old, new.value))
            if _worth_posting(old, new.value):
                outbox.enqueue(
                    session,
                    op=Op.POST,
                    stream=slo_stream(key),
                    channel=channel,
                    template=Template.SLO_STATUS_CHANGE,
                    args=_args(result, old),
                    now=now,
                )
    return changes


def evaluate_and_record(ctx: Context, client: PrometheusClient | None = None) -> list[Change]:
    """The periodic evaluation. Raises PrometheusUnavailable (the caller logs it)."""
    if not ctx.config.slos.files:
        return []
    return record_statuses(ctx, evaluate(ctx, client=client))
