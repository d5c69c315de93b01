"""The incident report: counts, MTTA/MTTR per severity, acks within target, postmortems owed."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from commands.clock import iso_utc
from commands.context import Context
from commands.incidents.severity import SEVERITY_NAMES, Status
from storage import incidents as repo
from storage.models import Incident


@dataclass(frozen=True)
class SeverityStats:
    severity: str
    target_minutes: int
    count: int
    acknowledged: int
    mtta_seconds: float | None
    mtta_median_seconds: float | None
    resolved: int
    mttr_seconds: float | None
    mttr_median_seconds: float | None
    ack_due: int  # acknowledged, or unacknowledged past the target
    ack_within_target: int

    @property
    def ack_within_target_ratio(self) -> float | None:
        return self.ack_within_target / self.ack_due if self.ack_due else None


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    since: datetime | None
    total: int
    by_severity: dict[str, int]
    by_status: dict[str, int]
    severities: list[SeverityStats]
    postmortems_owed: list[Incident] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "generated_at": iso_utc(self.generated_at),
            "since": iso_utc(self.since) if self.since else None,
            "total": self.total,
            "by_severity": self.by_severity,
            "by_status": self.by_status,
            "severities": {
                s.severity: {
                    "target_minutes": s.target_minutes,
                    "count": s.count,
                    "acknowledged": s.acknowledged,
                    "mtta_seconds": s.mtta_seconds,
                    "mtta_median_seconds": s.mtta_median_seconds,
                    "resolved": s.resolved,
                    "mttr_seconds": s.mttr_seconds,
                    "mttr_median_seconds": s.mttr_median_seconds,
                    "ack_due": s.ack_due,
                    "ack_within_target": s.ack_within_target,
                    "ack_within_target_ratio": s.ack_within_target_ratio,
                }
                for s in self.severities
            },
            "postmortems_owed": [
                {
                    "id": i.id,
                    "title": i.title,
                    "severity": i.severity,
                    "closed_at": iso_utc(i.closed_at) if i.closed_at else None,
                }
                for i in self.postmortems_owed
            ],
        }


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 1) if count else None


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def incident_report(ctx: Context, *, days: int | None = None) -> Report:
    """Counted in the database, per severity over its covering index: the cost follows the
    period asked for, not the whole history."""
    now = ctx.clock.now()
    since = now - timedelta(days=days) if days else None
    statuses = [status.value for status in Status]
    by_severity = {name: 0 for name in SEVERITY_NAMES}
    by_status = {status: 0 for status in statuses}
    stats = []
    with ctx.db.reader() as session:
        for name in SEVERITY_NAMES:
            target = timedelta(minutes=ctx.config.response_minutes(name))
            figures = repo.severity_figures(session, name, statuses, since, now, target)
            by_severity[name] = figures.count
            for status, count in figures.by_status.items():
                by_status[status] += count
            mtta_median = repo.median_seconds(
                session, name, since, "ack_seconds", figures.acknowledged
            )
            mttr_median = repo.median_seconds(
                session, name, since, "resolve_seconds", figures.resolved
            )
            stats.append(
                SeverityStats(
                    severity=name,
                    target_minutes=int(target.total_seconds() // 60),
                    count=figures.count,
                    acknowledged=figures.acknowledged,
                    mtta_seconds=_mean(figures.ack_seconds_sum, figures.acknowledged),
                    mtta_median_seconds=_rounded(mtta_median),
                    resolved=figures.resolved,
                    mttr_seconds=_mean(figures.resolve_seconds_sum, figures.resolved),
                    mttr_median_seconds=_rounded(mttr_median),
                    ack_due=figures.ack_due,
                    ack_within_target=figures.ack_within_target,
                )
            )
        # Owed postmortems are listed whatever the period: a debt does not age out of the
        # report. A partial index holds exactly these.
        owed = list(repo.postmortems_owed(session))
    return Report(
        generated_at=now,
        since=since,
        total=sum(by_severity.values()),
        by_severity=by_severity,
        by_status=by_status,
        severities=stats,
        postmortems_owed=owed,
    )
