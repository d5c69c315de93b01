"""No slash command does work before its ack that grows with history.

Years of closed incidents are seeded; each command is sent as Slack sends it, every SELECT
the bot runs while the request is open is recorded, and none may scan a history table. A
command whose answer needs a period of history (`/incident report`) acks first and answers
through the response_url."""

import time

import pytest

from tests.conftest import poll_until
from tests.history import seed
from tests.query_plans import full_scans, recorded

HISTORY = 20_000
COMMANDS = [
    ("/incident", "report"),
    ("/incident", "report 30d"),
    ("/incident", "list"),
    ("/incident", "list all"),
    ("/incident", "ack"),
    ("/incident", "help"),
    ("/incident", "status INC-OLD-000001 investigating"),
    ("/oncall", ""),
    ("/runbook", "list"),
    ("/health", ""),
    ("/slo", "help"),
]


@pytest.fixture
def bot(start_service):
    running = start_service()
    seed(running.ctx.db, running.ctx.clock.now(), HISTORY)
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
    # Every incident counted: 5,000 closed of each severity, and the 3 open Sev1 ones.
    assert "Sev1 (15m) | 5003 |" in shown and shown.count(" | 5000 | ") == 3, shown
