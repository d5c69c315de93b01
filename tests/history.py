"""Years of history in a database, fast: closed incidents with their timelines and
announcements, resolved alert groups with their alerts (for the scale tests and
bench/scale.py)."""

from datetime import datetime, timedelta

from sqlalchemy import insert

from commands.incidents.stats import ACK_BUCKETS
from storage import incidents as incident_repo
from storage.db import Database, table
from storage.models import Alert, AlertGroup, Incident, OutboxMessage, SlackMessage, TimelineEntry

BATCH = 5_000


def _batches(rows: list[dict], db: Database, model: type) -> None:
    with db.session() as session:
        for start in range(0, len(rows), BATCH):
            session.connection().execute(insert(table(model)), rows[start : start + BATCH])


def seed(db: Database, now: datetime, closed: int, groups: int = 0, firing: int = 0) -> None:
    """`closed` incidents before `now` (one every 37 minutes, each with a timeline of three
    entries and its announcement in C0INC), three open ones, `groups` resolved alert groups
    and `firing` firing ones; the acknowledgement counters as the acknowledgements kept them."""
    people, entries, posted = [], [], []
    for n in range(closed):
        at = now - timedelta(minutes=37 * (n + 1))
        ident = f"INC-OLD-{n:06d}"
        people.append(
            {
                "id": ident,
                "title": f"old incident {n}",
                "description": "",
                "severity": f"Sev{n % 4 + 1}",
                "status": "closed",
                "components": [],
                "channel": "#incidents",
                "created_at": at,
                "created_by": "U0ALICE",
                "acknowledged_at": at + timedelta(minutes=3 + n % 20),
                "acknowledged_by": "U0BOB",
                "resolved_at": at + timedelta(minutes=40 + n % 90),
                "ack_seconds": 60.0 * (3 + n % 20),
                "resolve_seconds": 60.0 * (40 + n % 90),
                "closed_at": at + timedelta(minutes=45 + n % 90),
                "postmortem_required": n % 4 == 0,
                # A team records its postmortems: five are owed, however long the history.
                "postmortem_url": None if n < 20 else "https://wiki.example/pm",
                "updated_at": at,
            }
        )
        for minute, kind in ((0, "declared"), (3, "acknowledged"), (40, "status_changed")):
            entry = {"incident_id": ident, "actor": "U0BOB", "kind": kind, "data": {}}
            entries.append({**entry, "at": at + timedelta(minutes=minute)})
        posted.append(
            {"ref": f"incident:{ident}", "channel": "C0INC", "ts": f"{n}.0", "posted_at": at}
        )
    for n in range(3):
        at = now - timedelta(minutes=40 + n)
        people.append(
            {
                **people[0],
                "id": f"INC-NEW-{n}",
                "status": "detected",
                "created_at": at,
                "acknowledged_at": None,
                "acknowledged_by": None,
                "resolved_at": None,
                "ack_seconds": None,
                "resolve_seconds": None,
                "closed_at": None,
                "postmortem_required": False,
                "postmortem_url": None,
                "updated_at": at,
            }
        )
    _batches(people, db, Incident)
    _batches(entries, db, TimelineEntry)
    _batches(posted, db, SlackMessage)
    if groups or firing:
        seed_alert_groups(db, now, groups, firing)
    with db.session() as session:  # the counters each acknowledgement would have kept
        for row in people:
            if row["acknowledged_at"] is not None:
                seconds = (row["acknowledged_at"] - row["created_at"]).total_seconds()
                incident_repo.count_acknowledgement(session, row["severity"], seconds, ACK_BUCKETS)


def seed_outbox(db: Database, now: datetime, delivered: int, owed: int) -> None:
    """`delivered` outbox rows sent before `now` (one in a thousand dead) and `owed` ones
    still waiting, over 500 streams."""
    rows = []
    for n in range(delivered + owed):
        at = now - timedelta(seconds=delivered + owed - n)
        state = "pending" if n >= delivered else "dead" if n % 1000 == 0 else "sent"
        rows.append(
            {
                "stream": f"alert:{n % 500}",
                "op": "reply",
                "ref": None,
                "thread_ref": f"alert:{n % 500}",
                "channel": None,
                "template": "alert.reply",
                "args": {},
                "state": state,
                "attempts": 1,
                "refusals": 0,
                "next_attempt_at": at,
                "claimed_until": None,
                "claimed_by": None,
                "last_error": None,
                "created_at": at,
                "sent_at": at if state == "sent" else None,
                "dead_at": at if state == "dead" else None,
                "ts": None,
            }
        )
    _batches(rows, db, OutboxMessage)


def seed_alert_groups(db: Database, now: datetime, count: int, firing: int = 0) -> None:
    rows, alerts = [], []
    for n in range(count + firing):
        at = now - timedelta(minutes=11 * (n + 1))
        rows.append(
            {
                "id": n + 1,
                "source": "alertmanager",
                "group_key": f'{{}}:{{alertname="A{n}"}}',
                "group_key_hash": f"{n:064d}",
                "receiver": "sre-bot",
                "status": "resolved" if n < count else "firing",
                "group_labels": {},
                "common_labels": {"alertname": f"A{n}", "severity": "warning"},
                "common_annotations": {},
                "external_url": "",
                "extra": {},
                "notified_alerts": 1,
                "truncated_alerts": 0,
                "channel": "#alerts",
                "severity": "Sev3",
                "mentions": [],
                "first_seen_at": at,
                "last_seen_at": at + timedelta(minutes=5),
                "started_at": at,
                "resolved_at": at + timedelta(minutes=5) if n < count else None,
                "updated_at": at + timedelta(minutes=5),
            }
        )
        alerts.append(
            {
                "group_id": n + 1,
                "fingerprint": f"{n:016x}",
                "status": rows[-1]["status"],
                "labels": {"alertname": f"A{n}"},
                "annotations": {},
                "value": None,
                "starts_at": at,
                "ends_at": rows[-1]["resolved_at"],
                "generator_url": "",
                "extra": {},
                "first_seen_at": at,
                "updated_at": at + timedelta(minutes=5),
            }
        )
    _batches(rows, db, AlertGroup)
    _batches(alerts, db, Alert)
