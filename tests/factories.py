"""What several test modules build: Slack payloads as Slack sends them, configurations the
bot reads, and the outbox rows a change wrote."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from commands.config import Config, PrometheusConfig, SlackConfig
from commands.context import Context
from commands.runbooks.config import RunbooksConfig
from storage import outbox as outbox_repo
from storage.db import Database
from storage.models import OutboxMessage, RunbookApproval, RunbookStep

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_RUNBOOKS = ROOT / "examples" / "runbooks"
EXAMPLE_SLOS = ROOT / "examples" / "slos"
# The examples' weekly SLOs need Sloth's 7d alert windows, as in examples/sre-bot.yml.
WINDOWS_7D = ROOT / "examples" / "windows" / "7d.yaml"

TEAM = {"id": "T0TEAM", "domain": "artisan"}

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*parts: int) -> datetime:
    """A wall-clock time in Seoul (the team's zone in these tests), as UTC."""
    return datetime(*parts, tzinfo=SEOUL).astimezone(UTC)


def slos_yaml(*files: str | Path) -> str:
    """`slos:` of sre-bot.yml listing these spec files, with the 7d alert windows."""
    listed = "".join(f"\n    - {f}" for f in files)
    return f"slos:\n  alert_windows: [{WINDOWS_7D}]\n  files:{listed or ' []'}\n"


def block_action(
    action_id: str,
    value: str,
    user: str,
    response_url: str,
    *,
    block_id: str = "actions",
    channel: str = "C0001",
    channel_name: str = "incidents",
    message_ts: str = "1.0",
    at: datetime | None = None,
) -> dict:
    """A `block_actions` payload: `user` pressed the button `action_id` (with `value`)."""
    return {
        "type": "block_actions",
        "team": TEAM,
        "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A0APP",
        "token": "legacy-verification-token",
        "trigger_id": f"trigger-{user}",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "channel": {"id": channel, "name": channel_name},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "action_ts": f"{at.timestamp():.6f}" if at else "1700000000.000001",
            }
        ],
    }


def mention_event(event_id: str, at: datetime, *, ts: str = "1700000000.000100") -> dict:
    """An `app_mention` event callback, as the Events API delivers it."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM["id"],
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(at.timestamp()),
        "event": {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": "<@U0BOT> help?",
            "ts": ts,
            "channel": "C0001",
        },
    }


def mention_body(event_id: str, at: datetime) -> str:
    return json.dumps(mention_event(event_id, at))


def runbook_config(
    folder: Path = EXAMPLE_RUNBOOKS, prometheus_url: str | None = None, **runbook_options: object
) -> Config:
    """The team's config with the example runbooks (or `folder`), in Seoul time."""
    from tests.conftest import free_port

    return Config(
        slack=SlackConfig(incident_channel="#incidents", timezone="Asia/Seoul"),
        prometheus=PrometheusConfig(url=prometheus_url or f"http://127.0.0.1:{free_port()}"),
        runbooks=RunbooksConfig(folder=str(folder), **runbook_options),
    )


def outbox_rows(
    ctx: Context, template: str | None = None, *, prefix: str = "", stream: str | None = None
) -> list[OutboxMessage]:
    """The Slack messages owed so far, oldest first: of one template (or templates starting
    with `prefix`), optionally on one stream."""
    with ctx.db.reader() as session:
        rows = list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))
    return [
        r
        for r in rows
        if (template is None or r.template == template)
        and r.template.startswith(prefix)
        and (stream is None or r.stream == stream)
    ]


def deliver_all(db: Database, now: datetime, channel: str = "C0ALERTS") -> int:
    """Every owed message sent, as the outbox sends it (posts recorded for their threads),
    without a Slack: for tests of what happens after delivery."""
    with db.session() as session:
        owed = session.exec(select(OutboxMessage).where(OutboxMessage.state == "pending"))
        messages = owed.all()
        for n, message in enumerate(messages):
            assert outbox_repo.claim(session, message.id, "test", now, timedelta(minutes=1))
            assert outbox_repo.mark_sent(session, message.id, "test", now, f"{n}.0")
            if message.op == "post" and message.ref:
                outbox_repo.record_message(session, message.ref, channel, f"{n}.0", now)
    return len(messages)


def step_row(**fields: Any) -> RunbookStep:
    """A runbook run's step as stored: run 7's first step, succeeded, unless told otherwise."""
    defaults: dict[str, Any] = {
        "run_id": 7,
        "index": 0,
        "name": "n",
        "kind": "notify",
        "state": "succeeded",
        "attempts": 1,
        "idempotency_key": f"k{fields.get('index', 0)}",
        "result": {},
    }
    return RunbookStep(**{**defaults, **fields})


def pending_approval(requested_at: datetime, minutes: int = 30) -> RunbookApproval:
    """The approval run 7 waits for before its first step, asked by U0ALICE."""
    return RunbookApproval(
        id=1,
        run_id=7,
        gate=-1,
        state="pending",
        requested_by="U0ALICE",
        requested_at=requested_at,
        expires_at=requested_at + timedelta(minutes=minutes),
    )


# A runbook whose first step changes something (so a crash mid-step matters), then notifies.
BREAKER_FIRST = """
name: breaker_first
description: Opens the breaker, then says so.
automation: auto
steps:
  - name: Open the Qwen circuit breaker
    kind: http
    method: POST
    url: ${SERVICE_URL}/admin/circuit-breaker/qwen/open
  - kind: notify
    text: breaker open
"""


def view_submission(
    view: dict,
    values: dict,
    user: str = "U0ALICE",
    view_id: str = "V0001",
    username: str | None = None,
) -> dict:
    """A `view_submission` payload: `user` submitted the modal `view` with these `values`
    (block ID -> action ID -> element state)."""
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": {"id": user, "username": username or user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A0APP",
        "trigger_id": f"trigger-{user}",
        "view": {**view, "id": view_id, "state": {"values": values}},
    }
