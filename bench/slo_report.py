"""How long an SLO report takes: the bot's concurrent queries against the same PromQL issued
one after another with prometheus-api-client, in the same run, on the same Prometheus.

50 SLOs over 31 days of synthetic data (promtool tsdb create-blocks-from openmetrics, then the
real `prometheus` on a free loopback port). The report asks one query per SLO per window (the
30-day window, 5m, 1h, 6h, 3d): 250 queries. Prints each side's median and the ratio
bot / one-after-another (target: at most 0.5; never above 1.1).

    .venv/bin/python bench/slo_report.py [--slos 50] [--rounds 7] [--workers 8]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prometheus_api_client import PrometheusConnect

from commands.clock import FakeClock
from commands.config import Config
from commands.context import Context
from commands.prometheus import PrometheusClient
from commands.slo.evaluation import evaluate, plan_queries
from commands.slo.specs import SliQueries, SloSpec
from tests.conftest import free_port
from tests.prom import PrometheusProcess

DAY = 86400


def write_data(path: Path, anchor: int, services: int) -> None:
    """Per service a request and an error counter, 5-minute samples (1 minute in the last
    6 hours), 31 days; service n fails n/100000 of its requests."""
    with path.open("w", encoding="utf-8") as out:
        for part in ("errors", "requests"):
            for n in range(services):
                start = anchor - 31 * DAY
                t, value = start, 0.0
                share = (n + 1) / 100_000 if part == "errors" else 1.0
                while t <= anchor:
                    out.write(f'bench_{part}_total{{service="svc{n}"}} {value:.4f} {t}\n')
                    step = 60 if anchor - t <= 6 * 3600 else 300
                    value += 10 * step * share
                    t += step
        out.write("# EOF\n")


def specs_for(services: int) -> list[SloSpec]:
    return [
        SloSpec(
            f"svc{n}",
            "availability",
            0.999,
            timedelta(days=30),
            SliQueries(
                "events",
                error_query=f'sum(rate(bench_errors_total{{service="svc{n}"}}[{{{{.window}}}}]))',
                total_query=f'sum(rate(bench_requests_total{{service="svc{n}"}}[{{{{.window}}}}]))',
            ),
        )
        for n in range(services)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slos", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    for binary in ("prometheus", "promtool"):
        if shutil.which(binary) is None:
            print(f"{binary} is not installed (scripts/system-deps.sh installs it)")
            return 2

    work = Path(tempfile.mkdtemp(prefix="sre-bot-bench-slo-"))
    anchor = int(time.time()) // 60 * 60
    started = time.monotonic()
    source = work / "data.om"
    write_data(source, anchor, args.slos)
    import subprocess

    subprocess.run(
        [
            "promtool",
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=2400h",
            str(source),
            str(work / "tsdb"),
        ],
        check=True,
        capture_output=True,
    )
    source.unlink()
    server = PrometheusProcess(work / "tsdb", free_port()).wait_ready()
    print(f"data: {args.slos} SLOs x 31 days, built in {time.monotonic() - started:.1f} s")
    try:
        specs = specs_for(args.slos)
        at = datetime.fromtimestamp(anchor, UTC)
        ctx = Context(None, Config(), FakeClock(at))  # type: ignore[arg-type]
        client = PrometheusClient(server.url, timeout=60, max_concurrent=args.workers)
        queries = [request.query for request in plan_queries(specs, at).requests]
        plain = PrometheusConnect(url=server.url, disable_ssl=True)
        params = {"time": f"{at.timestamp():.3f}"}

        def bot_report() -> float:
            began = time.perf_counter()
            report = evaluate(ctx, specs, client)
            elapsed = time.perf_counter() - began
            assert len(report.results) == args.slos
            return elapsed

        def one_after_another() -> float:
            began = time.perf_counter()
            for query in queries:
                plain.custom_query(query, params=params)
            return time.perf_counter() - began

        bot_report(), one_after_another()  # warm both paths (connections, page cache)
        ours, baseline = [], []
        for _ in range(args.rounds):  # alternate, so drift hits both sides alike
            ours.append(bot_report())
            baseline.append(one_after_another())
        ours_median, base_median = statistics.median(ours), statistics.median(baseline)
        ratio = ours_median / base_median
        print(f"queries per report: {len(queries)} ({args.workers} in flight at most)")
        print(f"one after another (prometheus-api-client): median {base_median * 1000:.0f} ms")
        print(f"sre-bot report (concurrent):               median {ours_median * 1000:.0f} ms")
        print(f"ratio: {ratio:.2f} (target <= 0.5, never > 1.1)")
        client.close()
        plain.close()
        return 0 if ratio <= 1.1 else 1
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
