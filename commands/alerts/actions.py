"""What people do with an alert group: acknowledge it, declare an incident from it, silence it."""

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlmodel import Session

from commands.alerts import alertmanager
from commands.alerts.groups import GroupSnapshot, group_snapshot, load_group, read_snapshot
from commands.alerts.messages import FIRING, SOURCE_NAMES, thread_of
from commands.alerts.payloads import Notification
from commands.context import Context
from commands.errors import CommandError, Conflict
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.notices import Template
from storage import alerts as repo
from storage.models import AlertGroup, Incident

SILENCE_HOURS_MAX = 14 * 24


@dataclass(frozen=True)
class AckResult:
    group: AlertGroup
    acknowledged: bool  # False: someone else was first (see group.acknowledged_by)


@dataclass(frozen=True)
class SilenceResult:
    group_id: int
    silence_id: str | None
    error: str | None


def group_title(group: AlertGroup) -> str:
    labels = group.common_labels or {}
    return str(labels.get("alertname") or (group.extra or {}).get("title") or "alert")


def draft_incident(ctx: Context, group_id: int) -> IncidentDraft:
    """Title, severity and description for an incident declared from the group."""
    snapshot = group_snapshot(ctx, group_id)
    return _draft(snapshot)


def _draft(snapshot: GroupSnapshot) -> IncidentDraft:
    group = snapshot.group
    annotations = dict(group.common_annotations or {})
    if not annotations and snapshot.firing:
        annotations = dict(snapshot.firing[0].annotations or {})
    summary = annotations.get("summary") or annotations.get("title") or ""
    title = group_title(group) + (f": {summary}" if summary else "")
    lines = []
    if annotations.get("description"):
        lines.append(annotations["description"])
    labels = ", ".join(f"{k}={v}" for k, v in sorted((group.common_labels or {}).items()))
    if labels:
        lines.append(f"Labels: {labels}")
    lines.append(
        f"Alert group {group.id} ({SOURCE_NAMES.get(group.source, group.source)}): "
        f"{snapshot.firing_count} firing, {snapshot.resolved_count} resolved."
    )
    components = [
        str((group.common_labels or {})[name])
        for name in ("service", "component", "job")
        if (group.common_labels or {}).get(name)
    ]
    return IncidentDraft(
        title=title[: incidents.TITLE_MAX],
        severity=group.severity,
        description="\n".join(lines)[: incidents.TEXT_MAX],
        components=components[:3],
    )


def _link(
    ctx: Context,
    session: Session,
    group: AlertGroup,
    incident: Incident,
    actor: str,
    *,
    refresh: bool = True,
) -> None:
    """Link group and incident both ways: the alert thread says which incident, the
    incident's timeline says which alert group."""
    assert group.id is not None
    now = ctx.clock.now()
    if not repo.link_incident(session, group.id, incident.id, now):
        raise Conflict("alert.already_declared", id=group.incident_id or "?")
    incidents.note_in_timeline(
        ctx,
        session,
        incident,
        actor,
        "alert_group",
        {"group_id": group.id, "alertname": group_title(group), "source": group.source},
    )
    if refresh:  # (a parent still to be posted will show the link anyway)
        thread_of(group).update(session, Template.ALERT_GROUP, now)
    thread_of(group).reply(
        session,
        Template.ALERT_EVENT,
        now,
        kind="incident",
        who=actor,
        incident_id=incident.id,
    )


def declare_for_route(
    ctx: Context, session: Session, group: AlertGroup, note: Notification, created: bool
) -> str:
    """The route says this group opens an incident: declare it, once per group."""
    actor = SOURCE_NAMES.get(note.source, note.source)
    draft = replace(
        _draft(read_snapshot(session, group)),
        severity=str(group.declare_incident),
        created_by=actor,
    )
    incident = incidents.declare(ctx, session, draft)
    _link(ctx, session, group, incident, actor, refresh=not created)
    return incident.id


def declare_incident(ctx: Context, group_id: int, draft: IncidentDraft) -> Incident:
    """Declare an incident for the group (from its Declare incident button) and link them.
    A group has at most one incident: a second declaration is refused, naming the first."""

    def link(session: Session, incident: Incident) -> None:
        group = load_group(session, group_id, for_update=True)
        if group.incident_id is not None:
            raise Conflict("alert.already_declared", id=group.incident_id)
        _link(ctx, session, group, incident, draft.created_by)

    return incidents.create_incident(ctx, draft, within=link)


def acknowledge(ctx: Context, group_id: int, who: str) -> AckResult:
    """Record who acknowledged the group's alerts; the first press wins."""
    who = who.strip()[:120]
    if not who:
        raise CommandError("error.responder_required")
    now = ctx.clock.now()
    with ctx.db.session() as session:
        group = load_group(session, group_id)
        if group.acknowledged_at is None and group.status != FIRING:
            raise Conflict("alert.not_firing")
        won = repo.claim_acknowledgement(session, group_id, who, now)
        group = load_group(session, group_id)
        if won:
            thread_of(group).update(session, Template.ALERT_GROUP, now)
            thread_of(group).reply(session, Template.ALERT_EVENT, now, kind="acknowledged", who=who)
        return AckResult(group, acknowledged=won)


def silence(
    ctx: Context, group_id: int, *, hours: float, user: str, created_by: str, comment: str
) -> SilenceResult:
    """Silence the group's alerts in Alertmanager for `hours` (matchers: the group's common
    labels). The outcome, the silence's ID or why it failed, goes into the group's thread."""
    url = ctx.config.alerts.alertmanager_url
    if not url:
        raise CommandError("alert.silence_unconfigured")
    if not 0 < hours <= SILENCE_HOURS_MAX:
        raise CommandError("alert.silence_bad_duration", max=SILENCE_HOURS_MAX)
    with ctx.db.reader() as session:
        group = load_group(session, group_id)
    matchers = dict(group.common_labels or {})
    if not matchers:
        raise CommandError("alert.silence_no_labels")
    now = ctx.clock.now()
    until = now + timedelta(hours=hours)
    silence_id: str | None = None
    error: str | None = None
    try:
        silence_id = alertmanager.create_silence(
            url,
            alertmanager.Silence(
                matchers=matchers,
                starts_at=now,
                ends_at=until,
                created_by=created_by[:200] or user,
                comment=comment[:1000],
            ),
        )
    except alertmanager.AlertmanagerError as exc:
        error = str(exc)
    with ctx.db.session() as session:
        group = load_group(session, group_id)
        if silence_id is not None:
            repo.update_group(
                session,
                group_id,
                silence_id=silence_id[:80],
                silenced_by=user[:120],
                silenced_until=until,
                updated_at=now,
            )
            thread_of(group).update(session, Template.ALERT_GROUP, now)
            thread_of(group).reply(
                session,
                Template.ALERT_EVENT,
                now,
                kind="silenced",
                who=user,
                silence_id=silence_id,
                until=until.isoformat(),
            )
        else:
            thread_of(group).reply(
                session,
                Template.ALERT_EVENT,
                now,
                kind="silence_failed",
                who=user,
                error=error or "",
            )
    return SilenceResult(group_id, silence_id, error)
