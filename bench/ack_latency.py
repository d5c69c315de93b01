"""How fast the bot answers Slack, against a bare Bolt app on the same HTTP stack.

Sends N signed `/incident create` requests from C concurrent clients to three servers, one
after another, each in its own process started by this script:

  bare        a Bolt app that only acks, behind sre-bot's HTTP stack (FastAPI, uvicorn,
              dispatch in a worker thread) - the baseline
  sre-bot     the real bot: verification, parsing, a database transaction with the
              incident, its timeline entry and its outbox messages, then the ack
  stock       the real bot behind Bolt's own FastAPI adapter, which dispatches on the event
              loop

Then the stall test shows what the worker-thread dispatch buys: while another process holds
the database's write lock for a second (a migration, a backup, a long CLI transaction),
`/incident create` requests wait for it. Meanwhile `/incident list` requests and the health
probe keep arriving. Printed: the slowest list answer and the slowest probe, for sre-bot and
for the stock adapter. On the event loop, one waiting request holds up every other.

Prints p50, p99 and throughput for each, and the ratios to the baseline. Absolute times
depend on the machine; the ratios are the result.

The database is a fresh SQLite file per server unless `--database` names a PostgreSQL
database: with a database across a network, listener work waits on I/O, which is where
dispatching on the event loop (the stock adapter) serialises requests.

    .venv/bin/python bench/ack_latency.py [--requests 2000] [--concurrency 16]
        [--database postgresql://user@host/db]
"""

import argparse
import hashlib
import hmac
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
KINDS = ("bare", "sre-bot", "stock")


# --- the servers (run in a child process) ------------------------------------------------


def _serve(kind: str, port: int, slack_url: str, database_url: str) -> None:
    import logging

    import uvicorn
    from fastapi import FastAPI
    from pydantic import SecretStr
    from slack_bolt import App
    from slack_bolt.authorization import AuthorizeResult

    from bot.http.slack_events import mount_slack_events
    from bot.process import Service
    from bot.settings import Settings
    from commands.clock import SystemClock
    from commands.config import Config, SlackConfig

    logging.basicConfig(level=logging.WARNING)
    if kind == "bare":
        bolt = App(
            signing_secret=SECRET,
            authorize=lambda: AuthorizeResult(enterprise_id=None, team_id="T0", bot_token="x"),
            token_verification_enabled=False,
            request_verification_enabled=False,  # mount_slack_events verifies, as in sre-bot
            process_before_response=True,  # as sre-bot's own app (bot/app.py)
        )

        @bolt.command("/incident")
        def ack_only(ack) -> None:
            ack()

        # The same route as sre-bot's, with its replay check (one row per signature) on a
        # database of its own: the baseline is everything but the bot's own work.
        from commands.context import Context
        from storage.db import Database
        from storage.migrate import upgrade

        db = Database(database_url)
        upgrade(db)
        api = FastAPI()
        mount_slack_events(api, bolt, SECRET, Context(db, Config(), SystemClock()))

        @api.get("/health/live")
        async def live() -> dict:
            return {"status": "ok"}

        uvicorn.run(api, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        return

    settings = Settings(
        slack_bot_token=SecretStr("xoxb-bench"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=slack_url,
        database_url=database_url,
    )
    service = Service(settings, Config(slack=SlackConfig(timezone="Asia/Seoul")))
    if kind == "sre-bot":
        service.serve_forever("127.0.0.1", port)
        return
    from slack_bolt.adapter.fastapi import SlackRequestHandler
    from slack_bolt.middleware.request_verification import RequestVerification
    from starlette.requests import Request

    # sre-bot verifies before Bolt; behind the stock adapter Bolt's own middleware must.
    service.bolt.use(RequestVerification(SECRET))
    handler = SlackRequestHandler(service.bolt)
    api = FastAPI()

    @api.post("/slack/events")
    async def events(request: Request):
        return await handler.handle(request)

    @api.get("/health/live")
    async def live_stock() -> dict:
        return {"status": "ok"}

    service.start_background()
    try:
        uvicorn.run(api, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    finally:
        service.stop_background()


# --- the load ------------------------------------------------------------------------------


def _signed(
    text: str, user: str, response_url: str = "http://127.0.0.1:9/response"
) -> tuple[bytes, dict[str, str]]:
    body = urllib.parse.urlencode(
        {
            "team_id": "T0",
            "channel_id": "C0INCIDENTS",
            "user_id": user,
            "command": "/incident",
            "text": text,
            "response_url": response_url,
            "trigger_id": "t",
        }
    )
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return body.encode(), headers


def _load(url: str, requests: int, concurrency: int) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    per_client = [
        requests // concurrency + (1 if i < requests % concurrency else 0)
        for i in range(concurrency)
    ]
    barrier = threading.Barrier(concurrency + 1)

    def client(n: int, count: int) -> None:
        nonlocal failures
        mine: list[float] = []
        bad = 0
        with httpx.Client(timeout=30) as http:
            barrier.wait()
            for i in range(count):
                body, headers = _signed(f"create sev3 bench {n}-{i}", f"U{n:05d}")
                started = time.perf_counter()
                response = http.post(url, content=body, headers=headers)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    bad += 1
                mine.append(elapsed)
        with lock:
            latencies.extend(mine)
            failures += bad

    threads = [threading.Thread(target=client, args=(n, c)) for n, c in enumerate(per_client)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, failures


def _stall(url: str, health: str, database: str, hold: float = 1.0) -> dict:
    """Slowest `/incident list` answer and health probe while the write lock is held."""
    import sqlite3

    path = database.split("///", 1)[1]
    stop = threading.Event()
    worst = {"list": 0.0, "health": 0.0, "create": 0.0}
    lock = threading.Lock()

    def record(kind: str, elapsed: float) -> None:
        with lock:
            worst[kind] = max(worst[kind], elapsed)

    def lister(n: int) -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                body, headers = _signed("list", f"U{n:05d}")
                started = time.perf_counter()
                http.post(url, content=body, headers=headers)
                record("list", time.perf_counter() - started)

    def creator(n: int) -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                body, headers = _signed(f"create sev3 stall {n}", f"U{n:05d}")
                started = time.perf_counter()
                http.post(url, content=body, headers=headers)
                record("create", time.perf_counter() - started)

    def prober() -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                started = time.perf_counter()
                http.get(health)
                record("health", time.perf_counter() - started)
                time.sleep(0.02)

    threads = [threading.Thread(target=lister, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=creator, args=(n,)) for n in range(2)]
    threads.append(threading.Thread(target=prober))
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    with lock:
        worst.update(list=0.0, health=0.0, create=0.0)  # measure from the stall on
    holder = sqlite3.connect(path, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    time.sleep(hold)
    holder.rollback()
    holder.close()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    return worst


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _wait_live(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(
    kind: str,
    requests: int,
    concurrency: int,
    slack_url: str,
    workdir: Path,
    database: str,
    stall: bool = False,
) -> dict:
    port = _free_port()
    database = database or f"sqlite:///{workdir / f'{kind}.db'}"
    process = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            kind,
            "--port",
            str(port),
            "--slack-url",
            slack_url,
            "--database-url",
            database,
        ],
        cwd=ROOT,
    )
    try:
        _wait_live(port, process)
        url = f"http://127.0.0.1:{port}/slack/events"
        if stall:
            return {"kind": kind, **_stall(url, f"http://127.0.0.1:{port}/health/live", database)}
        _load(url, min(200, requests), concurrency)  # warm-up
        latencies, wall, failures = _load(url, requests, concurrency)
    finally:
        process.terminate()
        process.wait(10)
    return {
        "kind": kind,
        "p50": statistics.median(latencies),
        "p99": _percentile(latencies, 0.99),
        "max": max(latencies),
        "throughput": len(latencies) / wall,
        "failures": failures,
    }


def _median_result(kind: str, rounds: list[dict]) -> dict:
    return {
        "kind": kind,
        **{
            key: statistics.median(r[key] for r in rounds)
            for key in ("p50", "p99", "max", "throughput")
        },
        "failures": sum(r["failures"] for r in rounds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="the medians over rounds are shown")
    parser.add_argument("--serve", choices=KINDS)
    parser.add_argument("--port", type=int)
    parser.add_argument("--slack-url")
    parser.add_argument("--database-url")
    parser.add_argument("--database", default="", help="PostgreSQL URL (default: SQLite files)")
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.port, args.slack_url, args.database_url)
        return

    from bot.local_slack.api import LocalSlackServer
    from bot.local_slack.workspace import Workspace

    slack = LocalSlackServer(Workspace(channels=("incidents",))).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rounds: dict[str, list[dict]] = {kind: [] for kind in KINDS}
            for n in range(args.rounds):
                for kind in KINDS:  # interleaved, so drift on the machine hits all alike
                    workdir = Path(tmp) / f"round{n}"
                    workdir.mkdir(exist_ok=True)
                    rounds[kind].append(
                        run(
                            kind,
                            args.requests,
                            args.concurrency,
                            slack.api_url,
                            workdir,
                            args.database,
                        )
                    )
            results = [_median_result(kind, rounds[kind]) for kind in KINDS]
            stalls = []
            if not args.database:  # the stall test holds a SQLite write lock
                stalls = [
                    run(kind, 0, 0, slack.api_url, Path(tmp), "", stall=True)
                    for kind in ("sre-bot", "stock")
                ]
    finally:
        slack.stop()

    base = results[0]
    print(
        f"{args.requests} signed /incident create requests, "
        f"{args.concurrency} concurrent clients, {os.cpu_count()} CPUs, "
        f"database: {'PostgreSQL' if args.database else 'SQLite'}; "
        f"medians of {args.rounds} rounds"
    )
    columns = ("p50 ms", "p99 ms", "max ms", "req/s", "p50 x", "p99 x", "req/s x", "errors")
    print(f"{'server':<10} " + " ".join(f"{c:>8}" for c in columns))
    for r in results:
        print(
            f"{r['kind']:<10} {r['p50'] * 1000:8.1f} {r['p99'] * 1000:8.1f} {r['max'] * 1000:8.1f} "
            f"{r['throughput']:8.0f} {r['p50'] / base['p50']:8.2f} {r['p99'] / base['p99']:8.2f} "
            f"{r['throughput'] / base['throughput']:8.2f} {r['failures']:8d}"
        )
    bot = results[1]
    print(
        f"sre-bot p99 is {bot['p99'] / base['p99']:.2f}x the bare app's "
        f"({bot['p99'] * 1000:.0f} ms; Slack allows 3000 ms)"
    )
    if stalls:
        print("\nwhile another process holds the database write lock for 1.0 s:")
        heads = ("slowest list ms", "slowest probe ms", "slowest create ms")
        print(f"{'server':<10} {heads[0]:>16} {heads[1]:>17} {heads[2]:>18}")
        for r in stalls:
            print(
                f"{r['kind']:<10} {r['list'] * 1000:16.0f} {r['health'] * 1000:17.0f} "
                f"{r['create'] * 1000:18.0f}"
            )


if __name__ == "__main__":
    main()
