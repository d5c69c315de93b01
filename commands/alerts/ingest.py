"""Alert threads: each Alertmanager (or Grafana) alert group becomes one Slack message that
stays current, with what changes told in its thread.

A notification is ingested in one transaction: the group (unique per source and group key,
locked while it is worked on), its alerts (unique per fingerprint), and the Slack messages the
change owes. A notification that changes nothing owes nothing, so Alertmanager's retries and
repeats, and two replicas receiving the same group, produce one parent and no extra replies.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from commands.alerts.actions import declare_for_route
from commands.alerts.config import AlertRoute, AlertsConfig
from commands.alerts.groups import get_group
from commands.alerts.messages import FIRING, LISTED, RESOLVED, thread_of
from commands.alerts.payloads import IncomingAlert, Notification
from commands.clock import iso_utc
from commands.config import Config
from commands.context import Context
from commands.errors import CommandError, ConfigError
from commands.notices import Template, alert_ref
from commands.oncall.schedule import primary_at
from commands.runbooks import catalog, runs
from commands.runbooks.states import BOT_ACTOR
from storage import alerts as repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    group_id: int
    created: bool  # this notification opened the group (its parent message is owed)
    changed: bool  # alerts fired or resolved (an update and a thread reply are owed)
    status: str
    incident_id: str | None = None  # declared by this notification's route
    episode_started: bool = False  # the group began firing (new, or firing again)


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


def labels_of(note: Notification) -> dict[str, str]:
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


def brief(alert: IncomingAlert, common: dict[str, str]) -> dict[str, Any]:
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
                requested_by=BOT_ACTOR,
                source_ref=ref,
                key=f"{name}@{ref}@{iso_utc(group.started_at)}",
            )
        except (CommandError, ConfigError) as exc:
            log.warning("alert group %s: runbook %s not started: %s", group_id, name, exc)


def _ingest(ctx: Context, note: Notification) -> IngestResult:
    now = ctx.clock.now()
    alerts = list({a.fingerprint: a for a in note.alerts}.values())  # the last copy wins
    labels = labels_of(note)
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
        "notified_alerts": len(alerts),
        "truncated_alerts": note.truncated_alerts,
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

        # The group's size as Alertmanager reports it changed: the parent says so, quietly.
        resized = (group.notified_alerts, group.truncated_alerts) != (
            len(alerts),
            note.truncated_alerts,
        )
        if created:
            thread_of(group).post(session, Template.ALERT_GROUP, now)
        elif not changed and resized:
            thread_of(group).update(session, Template.ALERT_GROUP, now)
        elif changed:
            thread_of(group).update(session, Template.ALERT_GROUP, now)
            change = {
                "firing": [brief(a, note.common_labels) for a in fired[:LISTED]],
                "firing_count": len(fired),
                "resolved": [brief(a, note.common_labels) for a in resolved[:LISTED]],
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
            thread_of(group).reply(session, Template.ALERT_CHANGE, now, **change)
        incident_id = None
        if new_status == FIRING and group.declare_incident and group.incident_id is None:
            incident_id = declare_for_route(ctx, session, group, note, created)
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


# --- incidents --------------------------------------------------------------------------------


# --- acknowledge and silence -----------------------------------------------------------------


# --- reading -----------------------------------------------------------------------------------
