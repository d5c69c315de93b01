"""An alert storm against the bot: 5,000 alerts in 100 Alertmanager webhook posts.

The bot runs in this process against the fake Slack, with the outbox's default pacing (about
one chat.postMessage per second per channel, bursts of 8). The storm:

  60 new alert groups of 50 alerts each, routed by a `team` label to 5 channels,
  then 20 of those groups growing twice by 50 alerts (each post carries the whole group,
  as Alertmanager sends it): 100 posts, 5,000 distinct alerts.

The posts go out from 4 concurrent clients, as fast as the bot answers. Printed:

  - time from the first post to the first Slack message;
  - the highest Slack calls per second per channel (a sliding 1 s window over the fake
    Slack's record), for chat.postMessage and for all methods;
  - ingest throughput (alerts/s while posting) against a bare FastAPI endpoint that only
    parses the same JSON, measured in the same run, as a ratio;
  - that every alert is stored and every group has its one parent message.

    .venv/bin/python bench/alert_storm.py [--timeout 100]
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from commands.alerts import groups as alert_groups

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "bench-alert-token"
CHANNELS = 5
NEW_GROUPS = 60
GROWN_GROUPS = 20
PER_POST = 50
CLIENTS = 4


def _alert(group: int, n: int) -> dict:
    team = f"team-{group % CHANNELS}"
    return {
        "status": "firing",
        "labels": {
            "alertname": f"Storm{group}",
            "severity": "critical",
            "team": team,
            "instance": f"node-{n}:9100",
        },
        "annotations": {
            "summary": f"Storm alert group {group}",
            "value": f"{n % 97}%",
            "threshold": "1%",
            "runbook": "api_high_error_rate",
        },
        "startsAt": "2026-01-05T01:25:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": f"http://prometheus:9090/graph?g0.expr=storm{group}",
        "fingerprint": f"{group:04d}{n:06d}",
    }


def _post(group: int, count: int) -> bytes:
    team = f"team-{group % CHANNELS}"
    return json.dumps(
        {
            "version": "4",
            "groupKey": f'{{}}:{{alertname="Storm{group}"}}',
            "truncatedAlerts": 0,
            "status": "firing",
            "receiver": "sre-bot",
            "groupLabels": {"alertname": f"Storm{group}"},
            "commonLabels": {"alertname": f"Storm{group}", "severity": "critical", "team": team},
            "commonAnnotations": {"summary": f"Storm alert group {group}"},
            "externalURL": "http://alertmanager:9093",
            "alerts": [_alert(group, n) for n in range(count)],
        }
    ).encode()


def storm() -> list[bytes]:
    """100 bodies: 60 new groups, then 20 of them grown twice (each post the whole group)."""
    posts = [_post(group, PER_POST) for group in range(NEW_GROUPS)]
    for size in (2 * PER_POST, 3 * PER_POST):
        posts += [_post(group, size) for group in range(GROWN_GROUPS)]
    return posts


def _send_all(url: str, posts: list[bytes]) -> tuple[float, float, int]:
    """(start time, wall seconds, failures) for all posts from CLIENTS threads, in order per
    group (a group's growth is only sent after its first post was answered)."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    failures = 0
    lock = threading.Lock()
    local = threading.local()

    def send(body: bytes) -> None:
        nonlocal failures
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=60)
        response = client.post(url, content=body, headers=headers)
        if response.status_code != 200:
            with lock:
                failures += 1

    started_wall = time.time()
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        waves = [posts[:NEW_GROUPS], posts[NEW_GROUPS : NEW_GROUPS + GROWN_GROUPS]]
        waves.append(posts[NEW_GROUPS + GROWN_GROUPS :])
        for wave in waves:
            list(pool.map(send, wave))
    return started_wall, time.perf_counter() - started, failures


def _bare_server(port: int) -> tuple[object, threading.Thread]:
    import uvicorn
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    api = FastAPI()

    @api.post("/alerts/alertmanager")
    async def parse_only(request: Request) -> JSONResponse:
        data = json.loads(await request.body())
        return JSONResponse({"status": "ok", "alerts": len(data["alerts"])})

    server = uvicorn.Server(
        uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, thread


def _max_in_window(times: list[float], seconds: float = 1.0) -> int:
    """The most calls in any sliding window of `seconds`."""
    window: deque[float] = deque()
    best = 0
    for at in sorted(times):
        window.append(at)
        while window[0] <= at - seconds:
            window.popleft()
        best = max(best, len(window))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout", type=float, default=100.0, help="seconds to wait for Slack")
    args = parser.parse_args()

    import logging

    from pydantic import SecretStr

    from bot.process import DeliveryTuning, Service
    from bot.settings import Settings
    from commands.config import Config, SlackConfig
    from storage.models import Alert, OutboxMessage
    from tests.conftest import free_port
    from tests.fakes.slack import FakeSlack

    logging.basicConfig(level=logging.ERROR)
    posts = storm()
    slack = FakeSlack(channels=[f"team-{n}" for n in range(CHANNELS)])
    with tempfile.TemporaryDirectory() as tmp:
        # The baseline first: the same bodies, parsed and dropped.
        bare_port = free_port()
        bare, bare_thread = _bare_server(bare_port)
        _send_all(f"http://127.0.0.1:{bare_port}/alerts/alertmanager", posts[:10])  # warm-up
        _, bare_seconds, bare_failures = _send_all(
            f"http://127.0.0.1:{bare_port}/alerts/alertmanager", posts
        )
        bare.should_exit = True  # type: ignore[attr-defined]
        bare_thread.join(5)

        routes = [
            {"match": {"team": f"team-{n}"}, "channel": f"#team-{n}"} for n in range(CHANNELS)
        ]
        config = Config(slack=SlackConfig(timezone="Asia/Seoul"), alerts={"routes": routes})
        settings = Settings(
            slack_bot_token=SecretStr("xoxb-bench"),
            slack_signing_secret=SecretStr("bench-secret"),
            slack_api_url=slack.api_url,
            database_url=f"sqlite:///{Path(tmp) / 'storm.db'}",
            alert_webhook_token=SecretStr(TOKEN),
        )
        service = Service(settings, config, tuning=DeliveryTuning())
        port = free_port()
        service.start_in_thread("127.0.0.1", port)
        try:
            started, bot_seconds, bot_failures = _send_all(
                f"http://127.0.0.1:{port}/alerts/alertmanager", posts
            )

            def drained() -> bool:
                with service.db.reader() as session:
                    from sqlmodel import func, select

                    waiting = session.exec(
                        select(func.count()).where(
                            OutboxMessage.state.in_(("pending", "sending"))  # type: ignore[attr-defined]
                        )
                    ).one()
                return waiting == 0

            deadline = time.monotonic() + args.timeout
            while not drained() and time.monotonic() < deadline:
                time.sleep(0.2)
            finished = time.time()
            with service.db.reader() as session:
                from sqlmodel import func, select

                stored = session.exec(select(func.count()).select_from(Alert)).one()
                states = dict(
                    session.exec(
                        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
                    ).all()
                )
            groups = alert_groups.list_groups(service.ctx, limit=None)
        finally:
            service.stop()

    calls = [c for c in slack.calls() if c.method in ("chat.postMessage", "chat.update")]
    ids = {ch.name: ch.id for ch in slack.workspace.channels()}
    per_channel: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for call in calls:
        channel = str(call.params.get("channel", ""))
        channel = ids.get(channel.lstrip("#"), channel)
        per_channel[channel][call.method].append(call.at)
        per_channel[channel]["all"].append(call.at)
    post_peak = max(_max_in_window(m["chat.postMessage"]) for m in per_channel.values())
    all_peak = max(_max_in_window(m["all"]) for m in per_channel.values())
    sustained = max(_max_in_window(m["chat.postMessage"], 10.0) for m in per_channel.values())
    ok_posts = slack.ok_calls("chat.postMessage")
    first = min(c.at for c in ok_posts) - started if ok_posts else float("nan")
    parents = sum(
        len(slack.messages(f"team-{n}")) for n in range(CHANNELS)
    )  # top-level messages only
    replies = sum(1 for c in ok_posts if c.params.get("thread_ts"))
    updates = len(slack.ok_calls("chat.update"))
    alert_count = NEW_GROUPS * PER_POST + GROWN_GROUPS * 2 * PER_POST
    bot_rate, bare_rate = alert_count / bot_seconds, alert_count / bare_seconds

    print(
        f"alert storm: {len(posts)} webhook posts, {alert_count} distinct alerts, "
        f"{len(groups)} groups over {CHANNELS} channels, {CLIENTS} concurrent clients, "
        f"{os.cpu_count()} CPUs, SQLite, default outbox pacing"
    )
    print(
        f"posts answered in {bot_seconds:.2f} s (failures: {bot_failures}); "
        f"bare parse-only endpoint {bare_seconds:.2f} s (failures: {bare_failures})"
    )
    print(f"time to first Slack message:        {first * 1000:.0f} ms")
    print(f"highest chat.postMessage/s/channel: {post_peak}")
    print(f"highest Slack calls/s/channel:      {all_peak} (chat.postMessage + chat.update)")
    print(
        f"highest chat.postMessage/channel in any 10 s: {sustained} "
        f"({sustained / 10:.1f}/s; the pace is 1/s after a burst of 8)"
    )
    print(
        f"ingest throughput:                  {bot_rate:.0f} alerts/s vs bare {bare_rate:.0f} "
        f"alerts/s = {bot_rate / bare_rate:.2f}x"
    )
    print(
        f"stored alerts: {stored}/{alert_count}; parent messages: {parents}/{len(groups)}; "
        f"thread replies: {replies}; chat.update: {updates}; "
        f"outbox: {json.dumps(states, sort_keys=True)}; "
        f"all delivered {finished - started:.1f} s after the first post"
    )


if __name__ == "__main__":
    main()
