"""Figures for monitoring: open incidents, acknowledgements, MTTA distribution, outbox backlog."""

from dataclasses import dataclass, field

from commands.context import Context
from commands.incidents.severity import OPEN_STATUSES, SEVERITY_NAMES
from storage import incidents as incident_repo
from storage import outbox as outbox_repo


@dataclass
class Histogram:
    cumulative: list[tuple[float, int]] = field(default_factory=list)
    count: int = 0
    total_seconds: float = 0.0


@dataclass
class IncidentStats:
    open_by_severity: dict[str, int]
    acknowledged_by_severity: dict[str, int]
    mtta_histograms: dict[str, Histogram]
    outbox_backlog: int
    outbox_dead: int


def incident_stats(ctx: Context, buckets: tuple[float, ...]) -> IncidentStats:
    with ctx.db.reader() as session:
        opened = incident_repo.open_counts_by_severity(session, [s.value for s in OPEN_STATUSES])
        delays = incident_repo.ack_delays(session)
        backlog = outbox_repo.backlog(session, ctx.clock.now())
        dead = outbox_repo.dead_count(session)
    acknowledged = {name: 0 for name in SEVERITY_NAMES}
    histograms = {name: Histogram() for name in SEVERITY_NAMES}
    per_severity: dict[str, list[float]] = {name: [] for name in SEVERITY_NAMES}
    for severity, seconds in delays:
        per_severity.setdefault(severity, []).append(seconds)
    for severity, values in per_severity.items():
        acknowledged[severity] = len(values)
        histograms[severity] = Histogram(
            cumulative=[(b, sum(1 for v in values if v <= b)) for b in buckets],
            count=len(values),
            total_seconds=sum(values),
        )
    return IncidentStats(
        open_by_severity={name: opened.get(name, 0) for name in SEVERITY_NAMES},
        acknowledged_by_severity=acknowledged,
        mtta_histograms=histograms,
        outbox_backlog=backlog,
        outbox_dead=dead,
    )
