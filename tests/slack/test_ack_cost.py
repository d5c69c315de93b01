"""No slash command does work before its ack that grows with history.

Years of closed incidents are seeded; each command is sent as Slack sends it, every SELECT
the bot runs while the request is open is recorded, and none may scan a history table. A
command whose answer needs a period of history (`/incident report`) acks first and answers
through the response_url."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import insert

from storage.db import table
from storage.models import Incident, TimelineEntry
from tests.conftest import poll_until
from tests.query_plans import full_scans, recorded

HISTORY = 20_000
COMMANDS = [
    ("/incident", "report"),
    ("/incident", "report 30d"),
    ("/incident", "list"),
    ("/incident", "list all"),
    ("/incident", "ack"),
    ("/incident", "help"),
    ("/incident", "status INC-OLD-00001 investigating"),
    ("/oncall", ""),
    ("/runbook", "list"),
    ("/health", ""),
    ("/slo", "help"),
]


@pytest.fixture
def bot(start_service):
    running = start_service()
    now = running.ctx.clock.now()
    incidents, entries = [], []
    for n in range(HISTORY):
        at = now - timedelta(hours=n + 1)
        incidents.append(
            {
                "id": f"INC-OLD-{n:05d}",
                "title": f"old {n}",
                "description": "",
                "severity": f"Sev{n % 4 + 1}",
                "status": "closed",
                "components": [],
                "channel": "#incidents",
                "created_at": at,
                "created_by": "U0ALICE",
                "acknowledged_at": at + timedelta(minutes=7),
                "acknowledged_by": "U0BOB",
                "resolved_at": at + timedelta(minutes=50),
                "closed_at": at + timedelta(minutes=55),
                "postmortem_required": n % 4 == 0,
                "postmortem_url": "https://wiki.example/pm" if n % 4 == 0 else None,
                "updated_at": at,
            }
        )
        entries.append(
            {"incident_id": f"INC-OLD-{n:05d}", "at": at, "actor": "U0ALICE", "kind": "declared"}
        )
    with running.ctx.db.session() as session:
        session.connection().execute(insert(table(Incident)), incidents)
        session.connection().execute(
            insert(table(TimelineEntry)), [{**e, "data": {}} for e in entries]
        )
    return running


def test_no_command_scans_history_before_it_answers(bot, slack):
    slow = {}
    for command, text in COMMANDS:
        with recorded(bot.ctx.db) as statements:
            started = time.monotonic()
            answer = bot.command(text, command=command, response_url=slack.response_url(text))
            acked_in = time.monotonic() - started
        assert answer.status_code == 200, (command, text, answer.text)
        scans = full_scans(bot.ctx.db, statements)
        if scans or acked_in > 2.0:
            slow[f"{command} {text}"] = (round(acked_in, 2), scans)
    assert slow == {}


def test_the_report_acks_first_and_answers_through_the_response_url(bot, slack):
    slack.workspace.register_response_url("report", channel="C0INCIDENTS", user="U0ALICE")
    answer = bot.command("report", response_url=slack.response_url("report"))
    assert (answer.status_code, answer.text) == (200, "")  # a bare ack: the report follows
    [delivered] = poll_until(lambda: slack.workspace.responses("report"), timeout=15)
    assert delivered.payload["response_type"] == "ephemeral"
    shown = str(delivered.payload["blocks"])
    assert shown.count("| 5000 | 7m | 50m | 100% (5000/5000)") == 4  # each severity, all counted
