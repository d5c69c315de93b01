"""The weekly on-call handoff, posted into the SRE channel at the handoff time.

It says who hands over to whom, lists the open incidents, counts the outgoing shift's pages
(with night and weekend pages, the guide's fatigue monitoring) and carries the handoff
checklist. Each handoff instant is one row (`OnCallHandoff`, keyed by the instant), written
in the transaction that owes the post: whichever sweep, replica or cron run writes it
first posts; the rest find it there. A bot that was down over several handoffs posts the
latest one once, marked late, and none of the weeks before it; a new installation waits
for its first handoff time instead of posting a stale one.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from commands.clock import iso_utc
from commands.context import Context
from commands.incidents.severity import SEVERITY_NAMES
from commands.notices import Template, Thread, handoff_ref
from commands.oncall import rotation as rot
from commands.oncall import schedule as oncall
from storage import alerts as alert_repo
from storage import incidents as incident_repo
from storage import oncall as repo
from storage.models import Incident, OnCallHandoff

LATE_AFTER = timedelta(minutes=5)
# Night pages in one shift from which the handoff flags fatigue (rest, compensation, tuning).
FATIGUE_NIGHT_PAGES = 3


@dataclass(frozen=True)
class Page:
    kind: str  # incident | alert
    at: datetime
    severity: str


# Where the pages of a shift come from: incidents declared in it, and alert threads that
# reached Slack in it without becoming an incident (those count once, as the incident).
PAGE_SOURCES: dict[str, Callable[[Session, datetime, datetime], list[Page]]] = {
    "incident": lambda session, start, end: [
        Page("incident", i.created_at, i.severity)
        for i in repo.incidents_declared_between(session, start, end)
    ],
    "alert": lambda session, start, end: [
        Page("alert", g.first_seen_at, g.severity)
        for g in alert_repo.groups_first_seen_between(session, start, end)
    ],
}


@dataclass(frozen=True)
class PageCounts:
    total: int = 0
    night: int = 0
    weekend: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)

    @property
    def fatigue(self) -> bool:
        return self.night >= FATIGUE_NIGHT_PAGES


@dataclass(frozen=True)
class HandoffSummary:
    handoff_at: datetime
    shift_start: datetime
    outgoing: str | None
    incoming: str | None
    incoming_secondary: str | None
    next_handoff: datetime
    open_incidents: list[Incident]
    pages: PageCounts
    postmortems_owed: int
    late: bool


def count_pages(rotation: rot.Rotation, pages: list[Page]) -> PageCounts:
    by_kind: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    for page in pages:
        by_kind[page.kind] = by_kind.get(page.kind, 0) + 1
        by_severity[page.severity] = by_severity.get(page.severity, 0) + 1
    return PageCounts(
        total=len(pages),
        night=sum(1 for p in pages if rot.is_night(rotation, p.at)),
        weekend=sum(1 for p in pages if rot.is_weekend(rotation, p.at)),
        by_kind=by_kind,
        by_severity={s: by_severity[s] for s in SEVERITY_NAMES if s in by_severity},
    )


def handoff_summary(ctx: Context, handoff_at: datetime, *, late: bool = False) -> HandoffSummary:
    """What the handoff post shows, read from the database now."""
    rotation = oncall.rotation(ctx)
    shift_start = rot.previous_handoff(rotation, handoff_at)
    second = timedelta(seconds=1)
    with ctx.db.reader() as session:
        before = oncall.segments_between(session, ctx.config, handoff_at - second, handoff_at)
        after = oncall.segments_between(session, ctx.config, handoff_at, handoff_at + second)
        pages = [
            page
            for source in PAGE_SOURCES.values()
            for page in source(session, shift_start, handoff_at)
        ]
        open_incidents = list(incident_repo.listing(session, open_only=True, limit=20))
        owed = len(incident_repo.postmortems_owed(session))
    return HandoffSummary(
        handoff_at=handoff_at,
        shift_start=shift_start,
        outgoing=before[0].primary,
        incoming=after[0].primary,
        incoming_secondary=after[0].secondary,
        next_handoff=rot.next_handoff(rotation, handoff_at),
        open_incidents=open_incidents,
        pages=count_pages(rotation, pages),
        postmortems_owed=owed,
        late=late,
    )


def post_due_handoff(ctx: Context) -> bool:
    """Owe the post of the latest handoff if nobody has yet; True when this call did."""
    if not ctx.config.oncall.members:
        return False
    now = ctx.clock.now()
    rotation = oncall.rotation(ctx)
    handoff_at = rot.handoff_at_or_before(rotation, now)
    key = iso_utc(handoff_at)
    late = now - handoff_at > LATE_AFTER
    with ctx.db.reader() as session:
        if repo.handoff_posted(session, key):
            return False
        if late and repo.latest_handoff(session) is None:
            return False  # a new installation starts with the next handoff, not a stale one
    second = timedelta(seconds=1)
    try:
        with ctx.db.session() as session:
            outgoing = oncall.primary_at(session, ctx.config, handoff_at - second)
            incoming = oncall.primary_at(session, ctx.config, handoff_at)
            repo.add_handoff(
                session,
                OnCallHandoff(
                    key=key,
                    handoff_at=handoff_at,
                    outgoing=outgoing,
                    incoming=incoming,
                    posted_at=now,
                ),
            )
            ref = handoff_ref(key)
            thread = Thread(ref, ctx.config.oncall_channel)
            thread.post(session, Template.ONCALL_HANDOFF, now, handoff_at=key, late=late)
    except IntegrityError:
        return False  # another sweep or replica posted it
    return True
