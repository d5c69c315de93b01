"""The resident memory of `sre-bot serve`, beside a bare Bolt app's.

One real `sre-bot serve` process (HTTP mode, against the built-in local Slack's Web API, on
a SQLite file seeded with `--history` closed incidents), measured from /proc at four points:

  idle       started and ready, nothing asked yet
  creates    after 2,000 signed `/incident create` requests from 16 clients
  storm      after the 5,000-alert storm of bench/alert_storm.py (100 webhook posts)
  reports    after 12 `/incident report` commands (all time), each answered through its
             response_url (received here, so the report is known to be done)

Printed per point: the resident set (VmRSS) and the peak so far (VmHWM), in MB, and the
ratio to the bare ack-only Bolt app of bench/ack_latency.py on the same HTTP stack, measured
idle in the same run. The goal is under 150 MB at every point.

    .venv/bin/python bench/memory.py [--history 100000]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import ack_latency  # noqa: E402
import alert_storm  # noqa: E402

from bot.local_slack.api import LocalSlackServer  # noqa: E402
from bot.local_slack.workspace import Workspace  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.conftest import poll_until  # noqa: E402
from tests.history import seed  # noqa: E402

REPORTS = 12
CREATES = 2000
GOAL_MB = 150


def _memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


class _Answers(BaseHTTPRequestHandler):
    """A response_url: counts the answers the bot posts to it."""

    received = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with _Answers.lock:
            _Answers.received += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def _bare_idle(slack_url: str, workdir: Path) -> float:
    port = ack_latency._free_port()
    database = f"sqlite:///{workdir / 'bare.db'}"
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "ack_latency.py"),
            *("--serve", "bare", "--port", str(port)),
            *("--slack-url", slack_url, "--database-url", database),
        ],
        cwd=ROOT,
    )
    try:
        ack_latency._wait_live(port, process)
        time.sleep(1)
        return _memory(process.pid)[0]
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--history", type=int, default=100_000)
    args = parser.parse_args()

    slack = LocalSlackServer(Workspace(channels=("incidents", "alerts"))).start()
    answers = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=answers.serve_forever, daemon=True).start()
    response_url = f"http://127.0.0.1:{answers.server_address[1]}/response"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bare = _bare_idle(slack.api_url, workdir)

        database = f"sqlite:///{workdir / 'bot.db'}"
        db = Database(database)
        upgrade(db)
        started = time.perf_counter()
        seed(db, datetime.now(UTC), args.history)
        db.dispose()
        print(f"seeded {args.history:,} closed incidents in {time.perf_counter() - started:.0f} s")

        port = ack_latency._free_port()
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": ack_latency.SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": database,
            "ALERT_WEBHOOK_TOKEN": alert_storm.TOKEN,
            "SRE_BOT_CONFIG": str(workdir / "sre-bot.yml"),
            "LOG_LEVEL": "WARNING",
        }
        (workdir / "sre-bot.yml").write_text("slack:\n  timezone: Asia/Seoul\n")
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
        )
        points: dict[str, tuple[float, float]] = {}
        try:
            ack_latency._wait_live(port, bot, timeout=60)
            time.sleep(2)
            points["idle"] = _memory(bot.pid)

            url = f"http://127.0.0.1:{port}/slack/events"
            _, _, failed = ack_latency._load(url, CREATES, 16)
            assert failed == 0, f"{failed} creates failed"
            points[f"{CREATES:,} creates"] = _memory(bot.pid)

            _, _, failed = alert_storm._send_all(
                f"http://127.0.0.1:{port}/alerts/alertmanager", alert_storm.storm()
            )
            assert failed == 0, f"{failed} alert posts failed"
            points["5,000-alert storm"] = _memory(bot.pid)

            import httpx

            with httpx.Client(timeout=30) as http:
                for n in range(REPORTS):
                    body, headers = ack_latency._signed("report", f"U{n:05d}", response_url)
                    assert http.post(url, content=body, headers=headers).status_code == 200
            poll_until(lambda: _Answers.received >= REPORTS, timeout=300, interval=0.1)
            points[f"{REPORTS} reports at {args.history:,}"] = _memory(bot.pid)
        finally:
            bot.terminate()
            bot.wait(30)
            answers.shutdown()
            slack.stop()

    print(f"bare ack-only Bolt app, idle: {bare:.0f} MB (the baseline)")
    print(f"{'sre-bot serve':<28} {'RSS MB':>8} {'peak MB':>8} {'x bare':>7}")
    for name, (rss, peak) in points.items():
        print(f"{name:<28} {rss:>8.0f} {peak:>8.0f} {rss / bare:>6.2f}x")
    worst = max(peak for _, peak in points.values())
    verdict = "within" if worst < GOAL_MB else "OVER"
    print(f"peak {worst:.0f} MB: {verdict} the {GOAL_MB} MB goal")
    print(json.dumps({name: round(rss, 1) for name, (rss, _) in points.items()}))


if __name__ == "__main__":
    main()
