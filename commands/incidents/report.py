"""The incident report: counts, MTTA/MTTR per severity, acks within target, postmortems owed."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import mean, median
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


def _seconds(deltas: list[timedelta]) -> tuple[float | None, float | None]:
    if not deltas:
        return None, None
    values = [d.total_seconds() for d in deltas]
    return round(mean(values), 1), round(median(values), 1)


def incident_report(ctx: Context, *, days: int | None = None) -> Report:
    now = ctx.clock.now()
    since = now - timedelta(days=days) if days else None
    with ctx.db.reader() as session:
        incidents = list(repo.listing(session, since=since))
        closed = repo.listing(session, statuses=[Status.CLOSED.value])
    by_severity = {name: 0 for name in SEVERITY_NAMES}
    by_status = {status.value: 0 for status in Status}
    stats = []
    for incident in incidents:
        by_severity[incident.severity] = by_severity.get(incident.severity, 0) + 1
        by_status[incident.status] = by_status.get(incident.status, 0) + 1
    for name in SEVERITY_NAMES:
        target = timedelta(minutes=ctx.config.response_minutes(name))
        group = [i for i in incidents if i.severity == name]
        acked = [i for i in group if i.acknowledged_at is not None]
        resolved = [i for i in group if i.resolved_at is not None]
        to_ack = [i.acknowledged_at - i.created_at for i in group if i.acknowledged_at]
        to_resolve = [i.resolved_at - i.created_at for i in group if i.resolved_at]
        mtta, mtta_median = _seconds(to_ack)
        mttr, mttr_median = _seconds(to_resolve)
        due = [i for i in group if i.acknowledged_at is not None or now - i.created_at > target]
        within = [
            i
            for i in acked
            if i.acknowledged_at is not None and i.acknowledged_at - i.created_at <= target
        ]
        stats.append(
            SeverityStats(
                severity=name,
                target_minutes=int(target.total_seconds() // 60),
                count=len(group),
                acknowledged=len(acked),
                mtta_seconds=mtta,
                mtta_median_seconds=mtta_median,
                resolved=len(resolved),
                mttr_seconds=mttr,
                mttr_median_seconds=mttr_median,
                ack_due=len(due),
                ack_within_target=len(within),
            )
        )
    # Owed postmortems are listed whatever the period: a debt does not age out of the report.
    owed = [i for i in closed if i.postmortem_required and not i.postmortem_url]
    owed.sort(key=lambda i: i.closed_at or i.created_at)
    return Report(
        generated_at=now,
        since=since,
        total=len(incidents),
        by_severity=by_severity,
        by_status=by_status,
        severities=stats,
        postmortems_owed=owed,
    )
