"""`sre-bot db stats` and `sre-bot db prune`, as an operator runs them."""

import json
from datetime import timedelta

import pytest

from storage.db import Database
from tests.factories import deliver_all


@pytest.fixture
def run(cli_in_process):
    return cli_in_process


def _delivered(run) -> None:
    """The messages these commands owe, sent (a bot would send them)."""
    db = Database(run.database_url)
    deliver_all(db, run.clock.now(), channel="C0INC")
    db.dispose()


def _closed_incident(run) -> str:
    created = run("incident", "create", "--title", "disk full", "--severity", "Sev3")
    assert created.returncode == 0, created.stderr
    incident_id = created.stdout.split()[2]
    for step in (("resolve", incident_id), ("close", incident_id)):
        done = run("incident", *step)
        assert done.returncode == 0, done.stderr
    _delivered(run)
    return incident_id


def test_stats_prints_every_table_and_what_retention_would_remove(run):
    _closed_incident(run)
    shown = run("db", "stats")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split() == ["table", "rows", "size"]
    rows = {line.split()[0]: line.split()[1] for line in lines[1:] if line.strip()}
    assert rows["incident"] == "1" and int(rows["timeline_entry"]) >= 3
    assert (
        "closed incidents: none, kept forever (retention.closed_incidents_days: 0)" in shown.stdout
    )
    assert "0 resolved alert groups (0 alerts), resolved before " in shown.stdout

    data = json.loads(run("db", "stats", "--json").stdout)
    sizes = {table["name"]: table for table in data["tables"]}
    assert sizes["incident"]["rows"] == 1 and sizes["incident"]["bytes"] > 0
    assert set(data["retention"]) == {
        "alert_groups",
        "alerts",
        "incidents",
        "timeline_entries",
        "delivered_messages",
    }


def test_prune_removes_what_stats_said_and_nothing_else(run):
    for _ in range(2):
        _closed_incident(run)
    later = (run.clock.now() + timedelta(days=40)).isoformat()
    run.configure("slack:\n  timezone: Asia/Seoul\nretention:\n  closed_incidents_days: 30\n")
    at_later = {"SRE_BOT_NOW": later}
    stats = json.loads(run("db", "stats", "--json", env=at_later).stdout)["retention"]
    assert stats["incidents"] == 2

    fresh = run("incident", "create", "--title", "new", "--severity", "Sev4", env=at_later)
    assert fresh.returncode == 0
    pruned = run("db", "prune", "--json", env=at_later)
    assert pruned.returncode == 0, pruned.stderr
    removed = json.loads(pruned.stdout)
    assert removed["incidents"] == 2
    assert removed["timeline_entries"] == stats["timeline_entries"]

    listed = json.loads(run("incident", "list", "--json", env=at_later).stdout)
    assert [item["title"] for item in listed] == ["new"]
    again = run("db", "prune", env=at_later)
    assert again.stdout.startswith("removed 0 alert groups (0 alerts), 0 incidents")
