"""What everyday actions cost as history grows: 1k, 10k and 100k closed incidents (each with a
timeline of three entries), then the same 100k with 100k resolved alert groups beside them.

Each row is a fresh database. Every figure is the median of `--rounds` runs, in process
except the last column (`sre-bot incident report --json`, a whole process, the way a cron
job or a person runs it). Printed as milliseconds and as the ratio to the 1k row: an action
whose cost follows what is open or the period asked for stays near 1x; one that reads the
whole history grows with it. The largest row is measured again after ANALYZE, since
statistics change which index SQLite picks.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--rounds 3]
        [--database sqlite|postgresql]

`postgresql` starts a throw-away cluster from the Debian binaries (as the tests do).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.metrics import IncidentCollector  # noqa: E402
from commands.clock import FakeClock  # noqa: E402
from commands.config import Config  # noqa: E402
from commands.context import Context  # noqa: E402
from commands.incidents import lifecycle as incidents  # noqa: E402
from commands.incidents.report import incident_report  # noqa: E402
from commands.oncall import reminders  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.history import seed  # noqa: E402

NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)


# --- the actions --------------------------------------------------------------------------

ACTIONS: dict[str, Callable[[Context], object]] = {
    "report, all time": lambda ctx: incident_report(ctx),
    "report, last 30 days": lambda ctx: incident_report(ctx, days=30),
    "/metrics collection": lambda ctx: list(IncidentCollector(ctx).collect()),
    "ack with no ID": lambda ctx: incidents.unacknowledged(ctx, channel="C0INC"),
    "ack reminder sweep": reminders.sweep_ack,
    "update sweep": reminders.sweep_updates,
    "postmortem sweep": reminders.sweep_postmortems,
}
CLI = "sre-bot incident report --json"


def _median_ms(work: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times)


def _cli_ms(database_url: str, config: Path, rounds: int) -> tuple[float, float, float]:
    env = {**os.environ, "DATABASE_URL": database_url, "SRE_BOT_CONFIG": str(config)}
    env["SRE_BOT_NOW"] = NOW.isoformat()
    command = [str(Path(sys.executable).with_name("sre-bot")), "incident", "report", "--json"]

    def run() -> None:
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)

    return _median_ms(run, rounds)


def measure(database_url: str, closed: int, groups: int, rounds: int, analyze: bool) -> dict:
    db = Database(database_url)
    upgrade(db)
    seed(db, NOW, closed, groups)
    if analyze:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    ctx = Context(db, Config(), FakeClock(NOW))
    figures = {name: _median_ms(partial(action, ctx), rounds) for name, action in ACTIONS.items()}
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "sre-bot.yml"
        config.write_text("slack:\n  timezone: Asia/Seoul\n")
        figures[CLI] = _cli_ms(database_url, config, rounds)
    db.dispose()
    return figures


def _databases(kind: str, count: int) -> list[str]:
    if kind == "postgresql":
        from tests.pg import PostgresCluster, find_bin

        bindir = find_bin()
        if bindir is None:
            raise SystemExit("no PostgreSQL binaries: run scripts/system-deps.sh")
        cluster = PostgresCluster(bindir).start()
        return [cluster.new_database() for _ in range(count)]
    folder = Path(tempfile.mkdtemp(prefix="sre-bot-scale-"))
    return [f"sqlite:///{folder / f'scale-{n}.db'}" for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    largest = sizes[-1]
    rows = [(f"{n:,}", n, 0, False) for n in sizes]
    rows.append((f"{largest:,} + {largest:,} alert groups", largest, largest, False))
    rows.append((f"{largest:,} + {largest:,} groups, ANALYZE", largest, largest, True))
    urls = _databases(args.database, len(rows))
    results = []
    for (label, closed, groups, analyze), url in zip(rows, urls, strict=True):
        print(f"seeding and measuring {label} ...", file=sys.stderr, flush=True)
        results.append((label, measure(url, closed, groups, args.rounds, analyze)))

    base = results[0][1]
    print(f"\n{args.database}: medians of {args.rounds} runs (ms), ratio to the first row")
    header = ["action", *(label for label, _ in results)]
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for name in [*ACTIONS, CLI]:
        cells = [name]
        for _, figures in results:
            median, low, high = figures[name]
            cells.append(f"{median:.1f} ({median / base[name][0]:.2f}x; {low:.1f}-{high:.1f})")
        print(" | ".join(cells))


if __name__ == "__main__":
    main()
