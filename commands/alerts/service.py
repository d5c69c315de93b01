"""Alert threads: each Alertmanager (or Grafana) alert group becomes one Slack message that
stays current, with what changes told in its thread.

A notification is ingested in one transaction: the group (unique per source and group key,
locked while it is worked on), its alerts (unique per fingerprint), and the Slack messages the
change owes. A notification that changes nothing owes nothing, so Alertmanager's retries and
repeats, and two replicas receiving the same group, produce one parent and no extra replies.
"""

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from commands.alerts import alertmanager
from commands.alerts.config import AlertRoute, AlertsConfig
from commands.alerts.payloads import IncomingAlert, Notification
from commands.clock import iso_utc
from commands.config import Config
from commands.context import Context
from commands.errors import CommandError, ConfigError, Conflict, NotFound
from commands.incidents import lifecycle as incidents
from commands.notices import Template, alert_ref
from commands.oncall.schedule import primary_at
from commands.runbooks import catalog, runs, states
from storage import alerts as repo
from storage import outbox
from storage.models import Alert, AlertGroup, Incident

FIRING = "firing"
RESOLVED = "resolved"
LISTED = 10  # alerts named in one thread reply; the rest are counted
SOURCE_NAMES = {"alertmanager": "Alertmanager", "grafana": "Grafana"}
SILENCE_HOURS_MAX = 14 * 24


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    group_id: int
    created: bool  # this notification opened the group (its parent message is owed)
    changed: bool  # alerts fired or resolved (an update and a thread reply are owed)
    status: str
    incident_id: str | None = None  # declared by this notification's route
    episode_started: bool = False  # the group began firing (new, or firing again)


@dataclass(frozen=True)
class GroupSnapshot:
    """What the parent message shows: the group and its alerts as they are now."""

    group: AlertGroup
    firing: list[Alert]
    resolved: list[Alert]
    firing_count: int
    resolved_count: int
    runbooks: list[str] = field(default_factory=list)  # what "Run runbook" offers


@dataclass(frozen=True)
class AckResult:
    group: AlertGroup
    acknowledged: bool  # False: someone else was first (see group.acknowledged_by)


@dataclass(frozen=True)
class IncidentDraft:
    title: str
    severity: str
    description: str
    components: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SilenceResult:
    group_id: int
    silence_id: str | None
    error: str | None


# --- routing and severity ------------------------------------------------------------------


def pick_route(config: AlertsConfig, labels: dict[str, str]) -> AlertRoute | None:
    """The first route whose matchers all hold for the group's labels."""
    return next((route for route in config.routes if route.matches(labels)), None)


def severity_for(config: Config, route: AlertRoute | None, labels: dict[str, str]) -> str:
    """The route's severity, else its declare_incident level, else the `severity` label
    through `alerts.severity_labels`, else `alerts.default_severity`."""
    if route is not None and (route.severity or route.declare_incident):
        return str(route.severity or route.declare_incident)
    label = labels.get("severity", "").strip().lower()
    return config.alerts.severity_labels.get(label, config.alerts.default_severity)


def _labels_of(note: Notification) -> dict[str, str]:
    labels = {**note.group_labels, **note.common_labels}
    if not labels and note.alerts:
        labels = dict(note.alerts[0].labels)
    return labels


def _key_hash(group_key: str) -> str:
    return hashlib.sha256(group_key.encode("utf-8", "replace")).hexdigest()


def _row(alert: IncomingAlert, now: datetime) -> dict[str, Any]:
    return {
        "status": alert.status,
        "labels": alert.labels,
        "annotations": alert.annotations,
        "value": alert.value,
        "starts_at": alert.starts_at,
        "ends_at": alert.ends_at if alert.status == RESOLVED else None,
        "generator_url": alert.generator_url,
        "extra": alert.extra,
        "updated_at": now,
    }


def _brief(alert: IncomingAlert, common: dict[str, str]) -> dict[str, Any]:
    """An alert for a thread reply: the labels that set it apart in its group, its value."""
    labels = {k: v for k, v in alert.labels.items() if common.get(k) != v}
    if not labels and "alertname" in alert.labels:
        labels = {"alertname": alert.labels["alertname"]}
    return {"labels": dict(list(labels.items())[:6]), "value": alert.value}


# --- ingest ----------------------------------------------------------------------------------


def ingest(ctx: Context, note: Notification) -> IngestResult:
    """Record a webhook notification and owe the Slack messages it causes."""
    for attempt in range(3):
        try:
            result = _ingest(ctx, note)
            break
        except IntegrityError:
            # An incident ID taken outside its counter (see incidents.create_incident):
            # the whole notification is retried, so nothing half-done is kept.
            if attempt == 2:
                raise
    if result.episode_started:
        _start_triggered_runbooks(ctx, result.group_id)
    return result


def _start_triggered_runbooks(ctx: Context, group_id: int) -> None:
    """Start the runbooks whose alert triggers match the group, once per firing episode (an
    approval runbook posts its request in the alert's thread). A runbook that cannot start
    is logged; the alert itself is already stored and on its way to Slack."""
    group = get_group(ctx, group_id)
    ref = alert_ref(group_id)
    for name in catalog.runbooks_for_alert(ctx, group.common_labels or {}):
        try:
            runs.start_run(
                ctx,
                name,
                requested_by=states.BOT_ACTOR,
                source_ref=ref,
                key=f"{name}@{ref}@{iso_utc(group.started_at)}",
            )
        except (CommandError, ConfigError) as exc:
            log.warning("alert group %s: runbook %s not started: %s", group_id, name, exc)


def _ingest(ctx: Context, note: Notification) -> IngestResult:
    now = ctx.clock.now()
    alerts = list({a.fingerprint: a for a in note.alerts}.values())  # the last copy wins
    labels = _labels_of(note)
    route = pick_route(ctx.config.alerts, labels)
    firing_starts = [a.starts_at for a in alerts if a.status == FIRING]
    started = min(firing_starts or [a.starts_at for a in alerts])
    status = FIRING if firing_starts else RESOLVED
    ends = [a.ends_at for a in alerts if a.status == RESOLVED and a.ends_at is not None]
    described = {
        "receiver": note.receiver,
        "group_labels": note.group_labels,
        "common_labels": note.common_labels,
        "common_annotations": note.common_annotations,
        "external_url": note.external_url,
        "extra": note.extra,
    }
    with ctx.db.session() as session:
        group, created = repo.claim_group(
            session,
            {
                "source": note.source,
                "group_key": note.group_key,
                "group_key_hash": _key_hash(note.group_key),
                "status": status,
                "channel": (route.channel if route and route.channel else None)
                or ctx.config.slack.alert_channel,
                "severity": severity_for(ctx.config, route, labels),
                "mentions": _mentions(ctx, session, route, now),
                "declare_incident": route.declare_incident if route else None,
                "first_seen_at": now,
                "last_seen_at": now,
                "started_at": started,
                "resolved_at": None if status == FIRING else max(ends or [now]),
                "updated_at": now,
                **described,
            },
        )
        assert group.id is not None
        known = repo.alert_states(session, group.id)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        fired: list[IncomingAlert] = []
        resolved: list[IncomingAlert] = []
        for alert in alerts:
            row = _row(alert, now)
            if alert.fingerprint in known:
                alert_id, before = known[alert.fingerprint]
                updates.append({"alert_id": alert_id, **row})
                if before != alert.status:
                    (fired if alert.status == FIRING else resolved).append(alert)
            else:
                inserts.append(
                    {
                        "group_id": group.id,
                        "fingerprint": alert.fingerprint,
                        "first_seen_at": now,
                        **row,
                    }
                )
                if alert.status == FIRING:
                    fired.append(alert)
                elif not created:
                    resolved.append(alert)  # fired and resolved between two notifications
        # A notification carries every alert of its group (unless truncated): a firing alert
        # missing from it has left the group, resolved without a resolved notification.
        present = {a.fingerprint for a in alerts}
        vanished = {}
        if note.truncated_alerts == 0:
            vanished = {
                fingerprint: alert_id
                for fingerprint, (alert_id, before) in known.items()
                if before == FIRING and fingerprint not in present
            }
        repo.insert_alerts(session, inserts)
        repo.update_alerts(session, updates)
        repo.mark_resolved(session, list(vanished.values()), now)

        states = {fingerprint: before for fingerprint, (_, before) in known.items()}
        states.update({a.fingerprint: a.status for a in alerts})
        states.update({fingerprint: RESOLVED for fingerprint in vanished})
        firing_now = FIRING in states.values()
        new_status = FIRING if firing_now else RESOLVED
        values: dict[str, Any] = {"last_seen_at": now, "status": new_status, **described}
        group_resolved = not created and group.status == FIRING and new_status == RESOLVED
        group_refired = not created and group.status == RESOLVED and new_status == FIRING
        if group_resolved:
            values["resolved_at"] = max([*ends, group.started_at]) if ends else now
        if group_refired:
            values.update(
                started_at=min(a.starts_at for a in fired),
                resolved_at=None,
                acknowledged_by=None,
                acknowledged_at=None,
            )
        changed = bool(fired or resolved or vanished or group_resolved or group_refired)
        if changed:
            values["updated_at"] = now
        repo.update_group(session, group.id, **values)

        if created:
            _owe(session, group, "post", Template.ALERT_GROUP, now)
        elif changed:
            _owe(session, group, "update", Template.ALERT_GROUP, now)
            change = {
                "firing": [_brief(a, note.common_labels) for a in fired[:LISTED]],
                "firing_count": len(fired),
                "resolved": [_brief(a, note.common_labels) for a in resolved[:LISTED]],
                "resolved_count": len(resolved) + len(vanished),
                "transition": "resolved"
                if group_resolved
                else "firing_again"
                if group_refired
                else "",
            }
            if group_resolved:
                lasted = values["resolved_at"] - group.started_at
                change["lasted_seconds"] = max(0.0, lasted.total_seconds())
            _owe(session, group, "reply", Template.ALERT_CHANGE, now, **change)
        incident_id = None
        if new_status == FIRING and group.declare_incident and group.incident_id is None:
            incident_id = _declare_for_route(ctx, session, group, note, created)
        return IngestResult(
            group_id=group.id,
            created=created,
            changed=changed,
            status=new_status,
            incident_id=incident_id,
            episode_started=(created and new_status == FIRING) or group_refired,
        )


def _mentions(ctx: Context, session: Session, route: AlertRoute | None, now: datetime) -> list[str]:
    """Whom a new thread tags: the route's list, where `oncall` (and a route that names
    nobody) means the person on call at that moment."""
    wanted = route.mention if route is not None and route.mention is not None else ["oncall"]
    tagged: list[str] = []
    for item in wanted:
        person = primary_at(session, ctx.config, now) if item == "oncall" else item
        if person and person not in tagged:
            tagged.append(person)
    return tagged


def _owe(
    session: Session,
    group: AlertGroup,
    op: str,
    template: Template,
    now: datetime,
    **args: object,
) -> None:
    """Owe a Slack message about the group: its parent (post, update) or a thread reply."""
    assert group.id is not None
    ref = alert_ref(group.id)
    outbox.enqueue(
        session,
        stream=ref,
        op=op,
        ref=ref if op in ("post", "update") else None,
        thread_ref=ref if op == "reply" else None,
        channel=group.channel if op == "post" else None,
        template=template,
        args={"group_id": group.id, **args},
        now=now,
    )


# --- incidents --------------------------------------------------------------------------------


def _title(group: AlertGroup) -> str:
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
    title = _title(group) + (f": {summary}" if summary else "")
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
        {"group_id": group.id, "alertname": _title(group), "source": group.source},
    )
    if refresh:  # (a parent still to be posted will show the link anyway)
        _owe(session, group, "update", Template.ALERT_GROUP, now)
    _owe(
        session,
        group,
        "reply",
        Template.ALERT_EVENT,
        now,
        kind="incident",
        who=actor,
        incident_id=incident.id,
    )


def _declare_for_route(
    ctx: Context, session: Session, group: AlertGroup, note: Notification, created: bool
) -> str:
    """The route says this group opens an incident: declare it, once per group."""
    snapshot = _snapshot(session, group)
    draft = _draft(snapshot)
    actor = SOURCE_NAMES.get(note.source, note.source)
    incident = incidents.declare(
        ctx,
        session,
        title=draft.title,
        severity=str(group.declare_incident),
        created_by=actor,
        description=draft.description,
        components=draft.components,
    )
    _link(ctx, session, group, incident, actor, refresh=not created)
    return incident.id


def declare_incident(
    ctx: Context,
    group_id: int,
    *,
    title: str,
    severity: str,
    created_by: str,
    description: str = "",
    components: Sequence[str] = (),
) -> Incident:
    """Declare an incident for the group (from its Declare incident button) and link them.
    A group has at most one incident: a second declaration is refused, naming the first."""

    def link(session: Session, incident: Incident) -> None:
        group = _load(session, group_id, for_update=True)
        if group.incident_id is not None:
            raise Conflict("alert.already_declared", id=group.incident_id)
        _link(ctx, session, group, incident, created_by)

    return incidents.create_incident(
        ctx,
        title=title,
        severity=severity,
        created_by=created_by,
        description=description,
        components=components,
        within=link,
    )


# --- acknowledge and silence -----------------------------------------------------------------


def _load(session: Session, group_id: int, *, for_update: bool = False) -> AlertGroup:
    group = repo.get_group(session, group_id, for_update=for_update)
    if group is None:
        raise NotFound("alert.not_found", id=group_id)
    return group


def parse_group_id(text: object) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise NotFound("alert.not_found", id=str(text)[:40]) from None
    if not 0 < value < 2**62:
        raise NotFound("alert.not_found", id=value)
    return value


def acknowledge(ctx: Context, group_id: int, who: str) -> AckResult:
    """Record who acknowledged the group's alerts; the first press wins."""
    who = who.strip()[:120]
    if not who:
        raise CommandError("error.responder_required")
    now = ctx.clock.now()
    with ctx.db.session() as session:
        group = _load(session, group_id)
        if group.acknowledged_at is None and group.status != FIRING:
            raise Conflict("alert.not_firing")
        won = repo.claim_acknowledgement(session, group_id, who, now)
        group = _load(session, group_id)
        if won:
            _owe(session, group, "update", Template.ALERT_GROUP, now)
            _owe(session, group, "reply", Template.ALERT_EVENT, now, kind="acknowledged", who=who)
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
        group = _load(session, group_id)
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
        group = _load(session, group_id)
        if silence_id is not None:
            repo.update_group(
                session,
                group_id,
                silence_id=silence_id[:80],
                silenced_by=user[:120],
                silenced_until=until,
                updated_at=now,
            )
            _owe(session, group, "update", Template.ALERT_GROUP, now)
            _owe(
                session,
                group,
                "reply",
                Template.ALERT_EVENT,
                now,
                kind="silenced",
                who=user,
                silence_id=silence_id,
                until=until.isoformat(),
            )
        else:
            _owe(
                session,
                group,
                "reply",
                Template.ALERT_EVENT,
                now,
                kind="silence_failed",
                who=user,
                error=error or "",
            )
    return SilenceResult(group_id, silence_id, error)


# --- reading -----------------------------------------------------------------------------------


def _snapshot(session: Session, group: AlertGroup, shown: int = 20) -> GroupSnapshot:
    assert group.id is not None
    counts = repo.status_counts(session, group.id)
    return GroupSnapshot(
        group=group,
        firing=list(repo.alerts(session, group.id, FIRING, shown)),
        resolved=list(repo.alerts(session, group.id, RESOLVED, shown)),
        firing_count=counts.get(FIRING, 0),
        resolved_count=counts.get(RESOLVED, 0),
    )


def group_snapshot(ctx: Context, group_id: int) -> GroupSnapshot:
    with ctx.db.reader() as session:
        snapshot = _snapshot(session, _load(session, group_id))
    return replace(snapshot, runbooks=runbooks_for_group(ctx, snapshot))


def runbooks_for_group(ctx: Context, snapshot: GroupSnapshot) -> list[str]:
    """The runbooks "Run runbook" offers: the one the `runbook` annotation names, when it
    is a known runbook, then those whose alert triggers match the group's labels."""
    group = snapshot.group
    found = catalog.catalog(ctx).runbooks
    named = [
        str((group.common_annotations or {}).get("runbook") or "").strip(),
        *(str((a.annotations or {}).get("runbook") or "").strip() for a in snapshot.firing[:1]),
    ]
    offered = [name for name in named if name in found]
    offered += catalog.runbooks_for_alert(ctx, group.common_labels or {})
    return list(dict.fromkeys(offered))


def get_group(ctx: Context, group_id: int) -> AlertGroup:
    with ctx.db.reader() as session:
        return _load(session, group_id)


def list_groups(ctx: Context, *, status: str | None = None, limit: int | None = 50) -> list:
    with ctx.db.reader() as session:
        return list(repo.listing(session, status=status, limit=limit))


def firing_counts(ctx: Context) -> dict[str, int]:
    """Firing alert groups by severity (for /metrics)."""
    with ctx.db.reader() as session:
        return repo.firing_counts(session)
