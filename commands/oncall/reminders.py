"""Reminders that follow from database state: acknowledge (escalating), post a status update,
record the postmortem.

A sweep (every 30 seconds, in every replica) reads what is pending and, for each reminder
due, moves that subject's `Reminder.step` with a conditional UPDATE (`WHERE step = old`)
in the same transaction that owes the Slack message. Only the sweep whose UPDATE matched
sends; a second sweep, another replica or a restart finds the step already moved. A bot
that was down across several steps sends only the latest one due (one catch-up reminder).

Subjects with an acknowledgement deadline are listed per kind in `ACK_SUBJECTS`: incidents
now; another kind (alert groups) is one more entry with its two functions.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from commands.clock import iso_utc
from commands.context import Context
from commands.incidents.lifecycle import thread_of
from commands.incidents.severity import OPEN_STATUSES, Status
from commands.notices import Template, Thread, alert_ref, incident_ref
from commands.oncall import schedule as oncall
from commands.people import is_user_id
from storage import alerts as alert_repo
from storage import incidents as incident_repo
from storage import oncall as repo
from storage.models import AlertGroup, Incident, Reminder

log = logging.getLogger(__name__)

ACK, UPDATE, POSTMORTEM = "ack", "update", "postmortem"
UPDATE_SEVERITIES = ("Sev1", "Sev2")  # the guide's "share the status" incidents
_OPEN = [s.value for s in OPEN_STATUSES]


@dataclass(frozen=True)
class AckSubject:
    """Something that must be acknowledged within its severity's response target."""

    kind: str  # incident | alert
    id: str
    severity: str
    since: datetime  # declared, or first seen
    thread_ref: str  # the outbox ref of its Slack message, whose thread gets the reminders
    label: str  # how people name it: the incident ID, the alert's name


@dataclass(frozen=True)
class AckSubjectKind:
    # Every subject of this kind still waiting for an acknowledgement since before the time
    # given (a subject newer than that cannot have a reminder due yet).
    pending: Callable[[Session, datetime], list[AckSubject]]
    # Whether one subject still waits (checked again when the reminder is delivered).
    still_pending: Callable[[Session, str], bool]


def _pending_incidents(session: Session, since_before: datetime) -> list[AckSubject]:
    return [
        AckSubject("incident", i.id, i.severity, i.created_at, incident_ref(i.id), i.id)
        for i in repo.unacknowledged_incidents(session, since_before)
    ]


def _incident_pending(session: Session, incident_id: str) -> bool:
    incident = incident_repo.get(session, incident_id)
    return incident is not None and incident.status in _OPEN and incident.acknowledged_at is None


def _episode(group: AlertGroup) -> str:
    """A firing episode of an alert group: a group that resolves and fires again is reminded
    about afresh, as its acknowledgement is reset."""
    return f"{group.id}@{iso_utc(group.started_at)}"


def _pending_alert_groups(session: Session, since_before: datetime) -> list[AckSubject]:
    return [
        AckSubject(
            "alert",
            _episode(g),
            g.severity,
            max(g.started_at, g.first_seen_at),  # not before Slack could show it
            alert_ref(g.id or 0),
            str((g.common_labels or {}).get("alertname") or g.group_key)[:80],
        )
        for g in alert_repo.unacknowledged_groups(session, since_before)
    ]


def _alert_group_pending(session: Session, episode: str) -> bool:
    group_id, _, _started = episode.partition("@")
    if not group_id.isdigit():
        return False
    group = alert_repo.get_group(session, int(group_id))
    return (
        group is not None
        and group.status == "firing"
        and group.acknowledged_at is None
        and group.incident_id is None
        and _episode(group) == episode
    )


ACK_SUBJECTS: dict[str, AckSubjectKind] = {
    "incident": AckSubjectKind(_pending_incidents, _incident_pending),
    "alert": AckSubjectKind(_pending_alert_groups, _alert_group_pending),
}


@dataclass(frozen=True)
class SweepResult:
    ack: int = 0
    update: int = 0
    postmortem: int = 0

    @property
    def total(self) -> int:
        return self.ack + self.update + self.postmortem


def sweep(ctx: Context) -> SweepResult:
    """Owe every reminder that is due now; how many were owed by this sweep."""
    return SweepResult(
        ack=sweep_ack(ctx), update=sweep_updates(ctx), postmortem=sweep_postmortems(ctx)
    )


# --- acknowledgement, escalating ---------------------------------------------------------------


def ack_due_times(ctx: Context, subject: AckSubject) -> list[datetime]:
    """When each escalation step falls due: the response target, plus each step's minutes."""
    target = subject.since + timedelta(minutes=ctx.config.response_minutes(subject.severity))
    return [target + timedelta(minutes=s.after_minutes) for s in ctx.config.oncall.escalation]


def _latest_due(times: list[datetime], now: datetime) -> int | None:
    due = [i for i, at in enumerate(times) if at <= now]
    return due[-1] if due else None


def _earliest_due_cutoff(ctx: Context, now: datetime) -> datetime:
    """Subjects waiting since after this cannot have their first reminder due yet."""
    shortest = min(level.response_minutes for level in ctx.config.severities.values())
    first_step = ctx.config.oncall.escalation[0].after_minutes
    return now - timedelta(minutes=shortest + first_step)


def sweep_ack(ctx: Context) -> int:
    now = ctx.clock.now()
    owed = 0
    for kind, subjects in ACK_SUBJECTS.items():
        with ctx.db.reader() as session:
            pending = subjects.pending(session, _earliest_due_cutoff(ctx, now))
            state = repo.reminders_for(session, kind, ACK, [s.id for s in pending])
        for subject in pending:
            if subject.severity not in ctx.config.severities:
                continue
            times = ack_due_times(ctx, subject)
            step = _latest_due(times, now)
            known = state.get(subject.id)
            if step is None or (known is not None and known.step > step):
                continue  # nothing due, or this step was already sent
            owed += _owe_ack(ctx, subjects, subject, times, step, now)
    return owed


def _owe_ack(
    ctx: Context,
    subjects: AckSubjectKind,
    subject: AckSubject,
    times: list[datetime],
    step: int,
    now: datetime,
) -> int:
    with ctx.db.session() as session:
        row = repo.reminder(session, subject.kind, subject.id, ACK)
        if row.step > step or not subjects.still_pending(session, subject.id):
            return 0
        next_at = times[step + 1] if step + 1 < len(times) else None
        assert row.id is not None
        if not repo.advance_reminder(session, row.id, row.step, step + 1, next_at, now):
            return 0  # another sweep took it
        notify, user = _ack_target(ctx, session, step, now)
        Thread(subject.thread_ref).reply(
            session,
            Template.ONCALL_ACK_REMINDER,
            now,
            subject_kind=subject.kind,
            subject_id=subject.id,
            label=subject.label,
            severity=subject.severity,
            since=iso_utc(subject.since),
            step=step,
            steps=len(times),
            notify=notify,
            user=user,
        )
        return 1


def _ack_target(ctx: Context, session: Session, step: int, now: datetime) -> tuple[str, str | None]:
    """Whom this step reminds: the primary or secondary on call now, or the channel (also
    when the rotation has nobody for that role)."""
    notify = ctx.config.oncall.escalation[step].notify
    if notify == "channel" or not ctx.config.oncall.members:
        return "channel", None
    segments = oncall.segments_between(session, ctx.config, now, now + timedelta(seconds=1))
    segment = segments[0]
    user = segment.primary if notify == "primary" else segment.secondary
    return (notify, user) if user else ("channel", None)


def still_unacknowledged(ctx: Context, subject_kind: str, subject_id: str) -> bool:
    subjects = ACK_SUBJECTS.get(subject_kind)
    if subjects is None:
        return False
    with ctx.db.reader() as session:
        return subjects.still_pending(session, subject_id)


# --- repeating reminders: status updates and postmortems ------------------------------------


def _repeat_due(row: Reminder | None, quiet_since: datetime, every: timedelta) -> datetime:
    """Due `every` after things went quiet, and again `every` after each reminder."""
    due = quiet_since + every
    if row is not None and row.last_sent_at is not None and row.last_sent_at >= quiet_since:
        due = max(due, row.last_sent_at + every)
    return due


def _owe_repeat(
    ctx: Context,
    incident: Incident,
    kind: str,
    quiet_since: datetime,
    every: timedelta,
    template: Template,
    now: datetime,
) -> int:
    with ctx.db.session() as session:
        row = repo.reminder(session, "incident", incident.id, kind)
        if _repeat_due(row, quiet_since, every) > now:
            return 0
        assert row.id is not None
        if not repo.advance_reminder(session, row.id, row.step, row.step + 1, now + every, now):
            return 0
        thread_of(incident).reply(
            session,
            template,
            now,
            quiet_since=iso_utc(quiet_since),
            user=_owner(ctx, session, incident, now),
            count=row.step + 1,
        )
        return 1


def _owner(ctx: Context, session: Session, incident: Incident, now: datetime) -> str | None:
    """Who to tag about an incident's follow-up: whoever acknowledged it (a Slack user),
    else the person on call now, else the one on call when it was declared."""
    if incident.acknowledged_by and is_user_id(incident.acknowledged_by):
        return incident.acknowledged_by
    return oncall.primary_at(session, ctx.config, now) or incident.oncall_user


def sweep_updates(ctx: Context) -> int:
    minutes = ctx.config.oncall.update_reminder_minutes
    if minutes <= 0:
        return 0
    with ctx.db.reader() as session:
        found = repo.acknowledged_incidents_with_last_entry(session, UPDATE_SEVERITIES)
    # Acknowledged ones only: the ack reminders have the others.
    quiet = [(i, max(last_at or i.created_at, i.created_at)) for i, last_at in found]
    every = timedelta(minutes=minutes)
    return _owe_repeats(ctx, UPDATE, quiet, every, Template.ONCALL_UPDATE_REMINDER)


def sweep_postmortems(ctx: Context) -> int:
    hours = ctx.config.oncall.postmortem_reminder_hours
    if hours <= 0:
        return 0
    with ctx.db.reader() as session:
        owed_by = incident_repo.postmortems_owed(session)
    closed = [(i, i.closed_at or i.updated_at) for i in owed_by]
    every = timedelta(hours=hours)
    return _owe_repeats(ctx, POSTMORTEM, closed, every, Template.ONCALL_POSTMORTEM_REMINDER)


def _owe_repeats(
    ctx: Context,
    kind: str,
    since: Sequence[tuple[Incident, datetime]],
    every: timedelta,
    template: Template,
) -> int:
    """Remind, `every` apart, about each incident that has been owing something `since`."""
    now = ctx.clock.now()
    with ctx.db.reader() as session:
        state = repo.reminders_for(session, "incident", kind, [i.id for i, _ in since])
    owed = 0
    for incident, start in since:
        if _repeat_due(state.get(incident.id), start, every) <= now:
            owed += _owe_repeat(ctx, incident, kind, start, every, template, now)
    return owed


def update_still_owed(ctx: Context, incident_id: str, quiet_since: datetime) -> bool:
    """An update reminder still applies: the incident is open and nobody wrote since."""
    with ctx.db.reader() as session:
        incident = incident_repo.get(session, incident_id)
        if incident is None or incident.status not in _OPEN:
            return False
        entries = incident_repo.timeline(session, incident_id)
    return not entries or entries[-1].at <= quiet_since


def postmortem_still_owed(ctx: Context, incident_id: str) -> bool:
    with ctx.db.reader() as session:
        incident = incident_repo.get(session, incident_id)
    return (
        incident is not None
        and incident.status == Status.CLOSED
        and incident.postmortem_required
        and not incident.postmortem_url
    )


__all__ = [
    "ACK_SUBJECTS",
    "AckSubject",
    "AckSubjectKind",
    "SweepResult",
    "postmortem_still_owed",
    "still_unacknowledged",
    "sweep",
    "update_still_owed",
]
