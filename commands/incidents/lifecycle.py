"""The incident lifecycle from the guide: detect, acknowledge, investigate, mitigate, resolve,
close, and the postmortem that Sev1 and Sev2 owe. Each change is one transaction that writes
the new state, its timeline entry and the Slack messages it owes (the outbox)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from commands.context import Context
from commands.errors import CommandError, Conflict, NotFound
from commands.incidents.severity import (
    OPEN_STATUSES,
    SEVERITY_NAMES,
    TRANSITIONS,
    Status,
    parse_severity,
    parse_status,
)
from commands.incidents.stats import ACK_BUCKETS
from commands.notices import Template, Thread, deadline_stream, incident_ref
from commands.oncall.schedule import primary_at
from storage import incidents as repo
from storage.models import Incident, TimelineEntry

# Generous limits, so nothing a person types is refused for length in practice,
# while one message can't fill the database. Slack-side cutting happens at render time.
TITLE_MAX = 500
TEXT_MAX = 10_000
COMPONENTS_MAX = 20
COMPONENT_MAX = 80


@dataclass(frozen=True)
class AckResult:
    incident: Incident
    acknowledged: bool  # False: someone else was first (see incident.acknowledged_by)


def _clean(text: str | None, limit: int) -> str:
    return (text or "").replace("\x00", "").strip()[:limit]


def title_cut(title: str) -> int:
    """How long `title` is when it is over TITLE_MAX (the declared incident keeps the first
    TITLE_MAX characters, and the person is told); 0 when it fits."""
    length = len((title or "").replace("\x00", "").strip())
    return length if length > TITLE_MAX else 0


def _require_severity(text: str) -> str:
    severity = parse_severity(text)
    if severity is None:
        raise CommandError("error.unknown_severity", given=text, valid=", ".join(SEVERITY_NAMES))
    return severity


def _load(session: Session, incident_id: str, *, for_update: bool = True) -> Incident:
    incident = repo.get(session, incident_id.strip().upper(), for_update=for_update)
    if incident is None:
        raise NotFound("error.incident_not_found", id=incident_id.strip())
    return incident


def thread_of(incident: Incident) -> Thread:
    """The incident's announcement and its thread, where its timeline is told."""
    return Thread(incident_ref(incident.id), incident.channel, {"incident_id": incident.id})


def _announce_changes(ctx: Context, session: Session, incident: Incident, entry_id: int) -> None:
    """Owe a thread reply for the timeline entry and a refresh of the announcement."""
    now = ctx.clock.now()
    thread_of(incident).reply(session, Template.INCIDENT_TIMELINE, now, entry_id=entry_id)
    thread_of(incident).update(session, Template.INCIDENT_ANNOUNCEMENT, now)


def _refresh_at_deadline(ctx: Context, session: Session, incident: Incident) -> None:
    """Owe a refresh of the announcement at the response deadline, so that it reads
    'overdue' if nobody has acknowledged by then (a no-op re-render if somebody has)."""
    deadline = incident.created_at + timedelta(
        minutes=ctx.config.response_minutes(incident.severity)
    )
    if deadline > ctx.clock.now():
        own = thread_of(incident).on_stream(deadline_stream(incident.id))
        own.update(session, Template.INCIDENT_ANNOUNCEMENT, deadline)


def _new_id(ctx: Context, session: Session, at: datetime) -> str:
    """The incident's ID, from the per-second counter (see repo.allocate_id). On PostgreSQL
    it is taken in a short transaction of its own, so racing replicas hold the counter row
    for one statement; SQLite runs one writer at a time, so the declaration's own will do."""
    base = "INC-" + at.astimezone(ctx.config.slack.tz).strftime("%Y%m%d-%H%M%S")
    if ctx.db.is_sqlite:
        return repo.allocate_id(session.connection(), base)
    with ctx.db.session() as own:
        return repo.allocate_id(own.connection(), base)


@dataclass(frozen=True)
class IncidentDraft:
    """What declaring an incident takes: from a command, a form, an alert or a runbook."""

    title: str
    severity: str
    created_by: str = ""
    description: str = ""
    components: Sequence[str] = ()


def create_incident(
    ctx: Context,
    draft: IncidentDraft,
    *,
    within: Callable[[Session, Incident], None] | None = None,
) -> Incident:
    """Declare an incident. `within`, when given, runs inside the declaring transaction, so
    a caller's own record of the declaration (a runbook step) commits with it or not at all."""
    for attempt in range(8):
        try:
            with ctx.db.session() as session:
                incident = declare(ctx, session, draft)
                if within is not None:
                    within(session, incident)
                return incident
        except IntegrityError:
            # The ID was taken outside the counter (rows from before it existed): next one.
            if attempt == 7:
                raise
    raise AssertionError("unreachable")


def declare(ctx: Context, session: Session, draft: IncidentDraft) -> Incident:
    """Declare an incident within the caller's transaction (so that another change, such as
    linking an alert group, commits with it or not at all)."""
    clean_title = _clean(draft.title, TITLE_MAX)
    if not clean_title:
        raise CommandError("error.title_required")
    level = _require_severity(draft.severity)
    created_by = draft.created_by or "sre-bot"
    parts: list[str] = []
    for component in draft.components:
        for piece in component.split(","):
            name = _clean(piece, COMPONENT_MAX)
            if name and name not in parts:
                parts.append(name)
    parts = parts[:COMPONENTS_MAX]
    now = ctx.clock.now()
    incident = Incident(
        id=_new_id(ctx, session, now),
        title=clean_title,
        description=_clean(draft.description, TEXT_MAX),
        severity=level,
        status=Status.DETECTED,
        components=parts,
        channel=ctx.config.slack.incident_channel,
        created_at=now,
        created_by=created_by,
        updated_at=now,
        oncall_user=primary_at(session, ctx.config, now),
    )
    repo.add(session, incident)
    thread_of(incident).post(session, Template.INCIDENT_ANNOUNCEMENT, now)
    entry_id = repo.add_timeline(
        session, incident.id, now, created_by, "created", {"severity": level}
    )
    thread_of(incident).reply(session, Template.INCIDENT_TIMELINE, now, entry_id=entry_id)
    _refresh_at_deadline(ctx, session, incident)
    return incident


def note_in_timeline(
    ctx: Context, session: Session, incident: Incident, actor: str, kind: str, data: dict[str, Any]
) -> int:
    """Add a timeline entry that another use-case caused (an alert group linked, say) and owe
    its thread reply, in the caller's transaction."""
    now = ctx.clock.now()
    entry_id = repo.add_timeline(session, incident.id, now, actor, kind, data)
    thread_of(incident).reply(session, Template.INCIDENT_TIMELINE, now, entry_id=entry_id)
    return entry_id


def record_runbook_event(
    ctx: Context, session: Session, incident_id: str, *, actor: str, data: dict[str, Any]
) -> None:
    """A runbook's progress in the incident's timeline (and so its thread), written in the
    caller's transaction together with the change it reports."""
    incident = repo.get(session, incident_id)
    if incident is None:
        return
    now = ctx.clock.now()
    entry_id = repo.add_timeline(session, incident.id, now, actor, "runbook", data)
    thread_of(incident).reply(session, Template.INCIDENT_TIMELINE, now, entry_id=entry_id)


def acknowledge(ctx: Context, incident_id: str, responder: str) -> AckResult:
    responder = _clean(responder, 120)
    if not responder:
        raise CommandError("error.responder_required")
    now = ctx.clock.now()
    with ctx.db.session() as session:
        incident = _load(session, incident_id, for_update=False)
        if incident.status not in OPEN_STATUSES:
            raise Conflict("error.incident_not_open", id=incident.id, status=incident.status)
        moves_status = incident.status == Status.DETECTED
        won = repo.claim_acknowledgement(
            session,
            incident.id,
            responder,
            now,
            Status.ACKNOWLEDGED if moves_status else None,
            _since_declared(incident, now),
        )
        incident = _load(session, incident.id, for_update=False)
        if not won:
            return AckResult(incident, acknowledged=False)
        _count_acknowledgement(session, incident, now)
        entry_id = repo.add_timeline(session, incident.id, now, responder, "acknowledged", {})
        _announce_changes(ctx, session, incident, entry_id)
        return AckResult(incident, acknowledged=True)


def _since_declared(incident: Incident, at: datetime) -> float:
    return (at - incident.created_at).total_seconds()


def _count_acknowledgement(session: Session, incident: Incident, at: datetime) -> None:
    repo.count_acknowledgement(
        session, incident.severity, _since_declared(incident, at), ACK_BUCKETS
    )


def set_status(
    ctx: Context, incident_id: str, status: str, *, actor: str, note: str = ""
) -> Incident:
    target = parse_status(status)
    if target is None or target == Status.DETECTED:
        valid = ", ".join(s.value for s in Status if s not in (Status.DETECTED, Status.CLOSED))
        raise CommandError("error.unknown_status", given=status, valid=valid)
    if target == Status.CLOSED:
        return close(ctx, incident_id, actor=actor)
    now = ctx.clock.now()
    with ctx.db.session() as session:
        incident = _load(session, incident_id)
        current = Status(incident.status)
        if target == current and target != Status.ACKNOWLEDGED:
            raise Conflict("error.status_unchanged", id=incident.id, status=current)
        if target == Status.ACKNOWLEDGED:
            raise CommandError("error.use_ack", id=incident.id)
        if target not in TRANSITIONS[current]:
            raise Conflict("error.bad_transition", id=incident.id, current=current, target=target)
        data: dict[str, object] = {"from": current.value, "to": target.value}
        clean_note = _clean(note, TEXT_MAX)
        if clean_note:
            data["note"] = clean_note
        if incident.acknowledged_at is None:
            # Working on it is acknowledging it: MTTA counts from the first human response.
            incident.acknowledged_at, incident.acknowledged_by = now, actor
            incident.ack_seconds = _since_declared(incident, now)
            _count_acknowledgement(session, incident, now)
            data["acknowledged"] = True
        if target == Status.MITIGATED:
            incident.mitigated_at = now
        elif target == Status.RESOLVED:
            incident.resolved_at = now
            incident.resolve_seconds = _since_declared(incident, now)
        elif target == Status.INVESTIGATING and current == Status.RESOLVED:
            incident.resolved_at = incident.resolve_seconds = None
            data["reopened"] = True
        incident.status = target
        incident.updated_at = now
        session.add(incident)
        entry_id = repo.add_timeline(session, incident.id, now, actor, "status", data)
        _announce_changes(ctx, session, incident, entry_id)
        return incident


def resolve(ctx: Context, incident_id: str, *, actor: str, resolution: str = "") -> Incident:
    incident = set_status(ctx, incident_id, Status.RESOLVED, actor=actor)
    if _clean(resolution, TEXT_MAX):
        incident = set_resolution(ctx, incident.id, resolution, actor=actor)
    return incident


def set_severity(ctx: Context, incident_id: str, severity: str, *, actor: str) -> Incident:
    level = _require_severity(severity)
    now = ctx.clock.now()
    with ctx.db.session() as session:
        incident = _load(session, incident_id)
        if incident.status == Status.CLOSED:
            raise Conflict("error.incident_closed", id=incident.id)
        if incident.severity == level:
            raise Conflict("error.severity_unchanged", id=incident.id, severity=level)
        data = {"from": incident.severity, "to": level}
        incident.severity = level
        incident.updated_at = now
        session.add(incident)
        entry_id = repo.add_timeline(session, incident.id, now, actor, "severity", data)
        _announce_changes(ctx, session, incident, entry_id)
        if incident.acknowledged_at is None:
            _refresh_at_deadline(ctx, session, incident)  # the target moved
        return incident


def _set_text(ctx: Context, incident_id: str, field: str, text: str, actor: str) -> Incident:
    value = _clean(text, TEXT_MAX)
    if not value:
        raise CommandError("error.text_required", field=field)
    now = ctx.clock.now()
    with ctx.db.session() as session:
        incident = _load(session, incident_id)
        if incident.status == Status.CLOSED:
            raise Conflict("error.incident_closed", id=incident.id)
        setattr(incident, field, value)
        incident.updated_at = now
        session.add(incident)
        entry_id = repo.add_timeline(session, incident.id, now, actor, field, {"text": value})
        _announce_changes(ctx, session, incident, entry_id)
        return incident


def set_root_cause(ctx: Context, incident_id: str, text: str, *, actor: str) -> Incident:
    return _set_text(ctx, incident_id, "root_cause", text, actor)


def set_resolution(ctx: Context, incident_id: str, text: str, *, actor: str) -> Incident:
    return _set_text(ctx, incident_id, "resolution", text, actor)


def add_note(ctx: Context, incident_id: str, text: str, *, actor: str) -> Incident:
    note = _clean(text, TEXT_MAX)
    if not note:
        raise CommandError("error.text_required", field="note")
    now = ctx.clock.now()
    with ctx.db.session() as session:
        incident = _load(session, incident_id)
        incident.updated_at = now
        session.add(incident)
        entry_id = repo.add_timeline(session, incident.id, now, actor, "note", {"text": note})
        _announce_changes(ctx, session, incident, entry_id)
        return incident


def close(ctx: Context, incident_id: str, *, actor: str) -> Incident:
    now = ctx.clock.now()
    with ctx.db.session() as session:
        incident = _load(session, incident_id)
        if incident.status == Status.CLOSED:
            raise Conflict("error.incident_closed", id=incident.id)
        if incident.status != Status.RESOLVED:
            raise Conflict("error.close_needs_resolved", id=incident.id, status=incident.status)
        incident.status = Status.CLOSED
        incident.closed_at = now
        incident.updated_at = now
        incident.postmortem_required = ctx.config.postmortem_required(incident.severity)
        session.add(incident)
        entry_id = repo.add_timeline(
            session,
            incident.id,
            now,
            actor,
            "closed",
            {"postmortem_required": incident.postmortem_required},
        )
        _announce_changes(ctx, session, incident, entry_id)
        if incident.postmortem_required and not incident.postmortem_url:
            thread = thread_of(incident)
            thread.reply(session, Template.INCIDENT_POSTMORTEM_DRAFT, now)
            thread.upload(session, Template.INCIDENT_POSTMORTEM_FILE, now)
        return incident


def record_postmortem(ctx: Context, incident_id: str, url: str, *, actor: str) -> Incident:
    link = url.strip().strip("<>")
    parsed = urlparse(link)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(link) > 2000:
        raise CommandError("error.bad_url", given=url.strip()[:200])
    now = ctx.clock.now()
    with ctx.db.session() as session:
        incident = _load(session, incident_id)
        previous = incident.postmortem_url
        incident.postmortem_url = link
        incident.updated_at = now
        session.add(incident)
        data = {"url": link}
        if previous:
            data["previous"] = previous
        entry_id = repo.add_timeline(session, incident.id, now, actor, "postmortem", data)
        _announce_changes(ctx, session, incident, entry_id)
        return incident


def get_incident(ctx: Context, incident_id: str) -> Incident:
    with ctx.db.reader() as session:
        return _load(session, incident_id, for_update=False)


def get_timeline(ctx: Context, incident_id: str) -> tuple[Incident, list[TimelineEntry]]:
    with ctx.db.reader() as session:
        incident = _load(session, incident_id, for_update=False)
        return incident, list(repo.timeline(session, incident.id))


def get_timeline_entry(ctx: Context, entry_id: int) -> TimelineEntry | None:
    with ctx.db.reader() as session:
        return repo.timeline_entry(session, entry_id)


def list_incidents(
    ctx: Context, *, open_only: bool = False, limit: int | None = 50
) -> list[Incident]:
    with ctx.db.reader() as session:
        return list(repo.listing(session, open_only=open_only, limit=limit))


def unacknowledged(ctx: Context, channel: str | None = None) -> list[Incident]:
    """Open incidents nobody has acknowledged yet, newest first; with `channel` (a Slack
    channel ID), only those announced there: under its configured name, or its ID."""
    with ctx.db.reader() as session:
        rows = list(repo.unacknowledged(session, [Status.DETECTED.value]))
        if channel is None:
            return rows
        names = {channel, *repo.channel_names_posted_in(session, channel)}
    return [i for i in rows if i.channel in names]
