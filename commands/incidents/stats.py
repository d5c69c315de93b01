"""Figures for monitoring: open incidents, acknowledgements, MTTA distribution, outbox backlog."""

from dataclasses import dataclass, field

from commands.context import Context
from commands.incidents.severity import SEVERITY_NAMES
from storage import incidents as incident_repo
from storage import outbox as outbox_repo

# The MTTA histogram's buckets (seconds). Each acknowledgement is counted under the first
# bound it fits, when it happens; a migration counted the ones from before.
ACK_BUCKETS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400)


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


def incident_stats(ctx: Context, buckets: tuple[float, ...] = ACK_BUCKETS) -> IncidentStats:
    """A handful of indexed reads: open incidents through their partial index, the MTTA
    counters kept at each acknowledgement, and the outbox's counts. Nothing scans history."""
    with ctx.db.reader() as session:
        opened = incident_repo.open_counts_by_severity(session)
        counted = incident_repo.ack_counts(session)
        backlog = outbox_repo.backlog(session, ctx.clock.now())
        dead = outbox_repo.dead_count(session)
    acknowledged = {name: 0 for name in SEVERITY_NAMES}
    histograms = {name: Histogram() for name in SEVERITY_NAMES}
    rows: dict[str, list[tuple[int, int, float]]] = {name: [] for name in SEVERITY_NAMES}
    for row in counted:
        rows.setdefault(row.severity, []).append((row.le_seconds, row.count, row.seconds_sum))
    for severity, kept in rows.items():
        acknowledged[severity] = sum(count for _, count, _ in kept)
        histograms[severity] = Histogram(
            cumulative=[(b, sum(n for le, n, _ in kept if le <= b)) for b in buckets],
            count=acknowledged[severity],
            total_seconds=sum(total for _, _, total in kept),
        )
    return IncidentStats(
        open_by_severity={name: opened.get(name, 0) for name in SEVERITY_NAMES},
        acknowledged_by_severity=acknowledged,
        mtta_histograms=histograms,
        outbox_backlog=backlog,
        outbox_dead=dead,
    )
