"""How fast a backlog of owed posts drains over many channels, against the pacing ideal.

Slack paces each channel separately (about one chat.postMessage per second, bursts of 8), so
N posts over C channels cannot drain faster than the busiest channel's share allows: that
is the ideal. The outbox should reach it in any order the posts were queued in:

  interleaved   channel 1, 2, ..., C, 1, 2, ... (a storm over many routes)
  in order      all of channel 1's posts, then all of channel 2's, ... (one route after
                another: the order that made a busy channel hold up the rest)
  outage        in order, while Slack answers 503 for the first `--outage` seconds

Then, while the posts drain, a Sev1 incident is declared: the time until its announcement
is in #incidents is printed (the goal: under 2 s however long the backlog).

The outbox runs in this process against the fake Slack, on a fresh SQLite database per
round. Printed: seconds to drain, the ideal, their ratio, and the Sev1 latency.

    .venv/bin/python bench/outbox_drain.py [--posts 2000] [--channels 20] [--outage 60]
"""

import argparse
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_sdk import WebClient  # noqa: E402

from bot.delivery.outbox import OutboxDelivery  # noqa: E402
from commands.clock import SystemClock  # noqa: E402
from commands.config import Config, SlackConfig  # noqa: E402
from commands.context import Context  # noqa: E402
from commands.incidents import lifecycle as incidents  # noqa: E402
from commands.incidents.lifecycle import IncidentDraft  # noqa: E402
from commands.notices import Template, Thread  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402

RATE, BURST = 1.0, 8.0


def _queue(ctx: Context, posts: int, channels: int, interleaved: bool) -> None:
    order = [(n % channels, n) for n in range(posts)]
    if not interleaved:
        order.sort()
    now = ctx.clock.now()
    with ctx.db.session() as session:
        for channel, n in order:
            thread = Thread(f"slo:drain-{n}", f"#team-{channel}")
            args = {"slo": f"slo-{n}", "service": "api", "to": "warning", "remaining": 0.4}
            thread.post(session, Template.SLO_STATUS_CHANGE, now, **args, window="30d")


def drain(posts: int, channels: int, interleaved: bool, outage: float) -> tuple[float, float]:
    names = [f"team-{n}" for n in range(channels)]
    slack = FakeSlack(channels=["incidents", *names])
    folder = Path(tempfile.mkdtemp(prefix="sre-bot-drain-"))
    db = Database(f"sqlite:///{folder / 'drain.db'}")
    upgrade(db)
    ctx = Context(db, Config(slack=SlackConfig(timezone="Asia/Seoul")), SystemClock())
    _queue(ctx, posts, channels, interleaved)
    outbox = OutboxDelivery(
        ctx,
        WebClient(token="xoxb-bench", base_url=slack.api_url, timeout=5),
        channel_rate=RATE,
        channel_burst=BURST,
        interval=0.2,
        max_backoff=5.0,
    )
    if outage:
        slack.outage(503)
        threading.Timer(outage, slack.end_outage).start()
    started = time.monotonic()
    outbox.start()
    sev1 = None
    try:
        time.sleep(outage + 5)  # the backlog is draining
        declared = time.monotonic()
        draft = IncidentDraft(title="Payments are down", severity="Sev1", created_by="U1")
        incidents.create_incident(ctx, draft)
        outbox.wake()
        while sev1 is None or len(slack.ok_calls("chat.postMessage")) < posts + 1:
            if sev1 is None and any(
                "Payments" in (m.text or "") for m in slack.messages("incidents")
            ):
                sev1 = time.monotonic() - declared
            time.sleep(0.05)
            if time.monotonic() - started > 10 * (posts / channels) / RATE + outage + 60:
                raise SystemExit("the backlog did not drain")
    finally:
        outbox.stop()
        slack.stop()
        db.dispose()
    return time.monotonic() - started, sev1 or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--outage", type=float, default=60.0)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # an outage logs every retry
    per_channel = args.posts / args.channels
    ideal = max(0.0, per_channel - BURST) / RATE
    print(f"{args.posts} posts over {args.channels} channels")
    print("order | drained in | ideal | ratio | Sev1 announced after")
    print("--- | --- | --- | --- | ---")
    for label, interleaved, outage in (
        ("interleaved", True, 0.0),
        ("in order", False, 0.0),
        (f"in order, {args.outage:g} s outage", False, args.outage),
    ):
        took, sev1 = drain(args.posts, args.channels, interleaved, outage)
        best = ideal + outage
        print(f"{label} | {took:.1f} s | {best:.1f} s | {took / best:.2f}x | {sev1:.2f} s")


if __name__ == "__main__":
    main()
