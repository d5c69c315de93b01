"""A real Prometheus loaded with 31 days of synthetic data whose answers are known.

The data is written as OpenMetrics, turned into TSDB blocks with `promtool tsdb
create-blocks-from openmetrics`, and served by `prometheus` on a free loopback port with no
scrape targets. Samples end at `anchor` (the real time when the data was built, to the
minute): Prometheus evaluates at the time a query asks for, and tests ask at `anchor`.
Resolution is 5 minutes, 1 minute in the last 6 hours (where short burn windows look).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DAY = 86400
SPAN_DAYS = 31
FINE_SECONDS = 6 * 3600

# scenario -> (error fraction at a time offset before the anchor (seconds), first data offset)
Fraction = Callable[[float], float]


@dataclass(frozen=True)
class Scenario:
    name: str
    fraction: Fraction
    per_second: float = 2.0
    since: float = SPAN_DAYS * DAY  # seconds before the anchor the series start
    reset_at: float | None = None  # seconds before the anchor the counters restart from 0


# Known answers at the anchor, for a 99.9% objective over 30 days (budget 0.1%).
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("healthy", lambda ago: 0.0002),  # 20% of the budget used, 80% left
    Scenario("warning", lambda ago: 0.00095),  # 95% used, 5% left
    Scenario("exhausted", lambda ago: 0.0015),  # 150% used, -50% left
    Scenario("idle", lambda ago: 0.0, per_second=0.0),  # no traffic: no_data
    Scenario("partial", lambda ago: 0.0005, since=10 * DAY),  # 50% left, a third of the window
    Scenario("reset", lambda ago: 0.0002, reset_at=15 * DAY),  # counter reset: still 80% left
    # 0.01% for a month, then 2% (burn 20) for the last hour.
    Scenario("burning", lambda ago: 0.02 if ago < 3600 else 0.0001),
)
BUCKETS = ("0.5", "1", "2.5", "3.2", "4.5", "10", "+Inf")
# Share of requests at or under each bucket boundary, per LLM mode.
LATENCY = {
    "fast": (0.5, 0.8, 0.97, 0.98, 0.99, 0.999, 1.0),  # 3% over 2.5 s: 40% of budget left
    "balanced": (0.3, 0.6, 0.9, 0.955, 0.98, 0.995, 1.0),  # 4.5% over 3.2 s: 10% left
    "creative": (0.2, 0.4, 0.7, 0.85, 0.94, 0.99, 1.0),  # 6% over 4.5 s: -20% left
}
SLO_GENERATOR_EVENTS = 3556  # good, and as many bad, per window
SLO_GENERATOR_WINDOW = 43200  # seconds
PYRRA_WITHIN = 0.32792  # Pyrra shows availability 32.79% and budget -572.08%
RL_BAD_MINUTES = 50  # reward at 5.0 for 50 minutes, 2 days ago; 10080 one-minute slices in 7d


def _times(anchor: int, since: float) -> Iterator[int]:
    start = anchor - int(since)
    start -= start % 300
    t = start
    while t <= anchor:
        yield t
        t += 60 if anchor - t <= FINE_SECONDS else 300


def write_openmetrics(path: Path, anchor: int) -> None:
    with path.open("w", encoding="utf-8") as out:

        def counter(name: str, labels: str, values: Iterator[tuple[int, float]]) -> None:
            for t, v in values:
                out.write(f"{name}{{{labels}}} {v:.6f} {t}\n")

        for scenario in SCENARIOS:
            totals: list[tuple[int, float, float]] = []
            good = bad = 0.0
            last = None
            for t in _times(anchor, scenario.since):
                ago = anchor - t
                if last is not None:
                    n = scenario.per_second * (t - last)
                    p = scenario.fraction(ago)
                    bad += n * p
                    good += n * (1 - p)
                restarts = scenario.reset_at is not None and last is not None
                if restarts and anchor - last > scenario.reset_at >= ago:  # type: ignore[operator]
                    good = bad = 0.0
                totals.append((t, good + bad, bad))
                last = t
            labels = f'scenario="{scenario.name}"'
            counter("synth_requests_total", labels, ((t, total) for t, total, _ in totals))
            counter("synth_errors_total", labels, ((t, b) for t, _, b in totals))

        # The guide's availability SLO: 0.03% errors (70% of a 0.1% budget left).
        rows = []
        ok = err = 0.0
        last = None
        for t in _times(anchor, SPAN_DAYS * DAY):
            if last is not None:
                n = 5.0 * (t - last)
                err += n * 0.0003
                ok += n * 0.9997
            rows.append((t, ok, err))
            last = t
        counter("api_requests_total", 'status="200"', ((t, o) for t, o, _ in rows))
        counter("api_requests_total", 'status="500"', ((t, e) for t, _, e in rows))

        # The LLM latency histograms: 1 request a second per mode.
        for mode, shares in LATENCY.items():
            times = list(_times(anchor, SPAN_DAYS * DAY))
            for le, share in zip(BUCKETS, shares, strict=True):
                labels = f'mode="{mode}",le="{le}"'
                counter(
                    "llm_brief_latency_seconds_bucket",
                    labels,
                    ((t, (t - times[0]) * share) for t in times),
                )
            counter(
                "llm_brief_latency_seconds_count",
                f'mode="{mode}"',
                ((t, float(t - times[0])) for t in times),
            )

        # The fast mode's histogram again, with its boundaries as Prometheus 3 stores them
        # (`le="1.0"` where the client wrote `le="1"`): no Prometheus 3 binary is in the
        # package registries here, so its label form is emulated.
        times = list(_times(anchor, SPAN_DAYS * DAY))
        for le, share in zip(BUCKETS, LATENCY["fast"], strict=True):
            stored = le if le == "+Inf" else repr(float(le))
            counter(
                "llm_v3_latency_seconds_bucket",
                f'job="v3",le="{stored}"',
                ((t, (t - times[0]) * share) for t in times),
            )
        counter(
            "llm_v3_latency_seconds_count", 'job="v3"', ((t, float(t - times[0])) for t in times)
        )

        # The peers' own cases. slo-generator's tests/unit/fixtures/slo_report_v2.json: 3556
        # good and 3556 bad events in a 43200 s window. Pyrra's mcp_test.go
        # "caddy-response-latency": 32.79% of requests within 50ms, goal 90% over 4w.
        # Every minute for 13 hours: the 12 h window starts on a sample whatever the anchor,
        # so Prometheus counts the events exactly rather than extrapolating to its edge.
        minutes = [anchor - 13 * 3600 + 60 * i for i in range(13 * 60 + 1)]
        per_second = SLO_GENERATOR_EVENTS / SLO_GENERATOR_WINDOW
        for result in ("good", "bad"):
            counter(
                "peer_events_total",
                f'peer="slo-generator",result="{result}"',
                ((t, (t - minutes[0]) * per_second) for t in minutes),
            )
        times = list(_times(anchor, SPAN_DAYS * DAY))
        for le, share in (("0.05", PYRRA_WITHIN), ("+Inf", 1.0)):
            counter(
                "caddy_http_request_duration_seconds_bucket",
                f'host="demo.pyrra.dev",le="{le}"',
                ((t, (t - times[0]) * share) for t in times),
            )
        counter(
            "caddy_http_request_duration_seconds_count",
            'host="demo.pyrra.dev"',
            ((t, float(t - times[0])) for t in times),
        )

        # RL reward, a gauge: 42 except for RL_BAD_MINUTES two days ago.
        bad_from = anchor - 2 * DAY
        bad_from -= bad_from % 300
        for t in _times(anchor, SPAN_DAYS * DAY):
            value = 5.0 if bad_from <= t < bad_from + RL_BAD_MINUTES * 60 else 42.0
            out.write(f'rl_reward{{run="main"}} {value} {t}\n')
        out.write("# EOF\n")


@dataclass
class PromData:
    anchor: int
    data_dir: Path


def build(where: Path, anchor: int) -> PromData:
    promtool = shutil.which("promtool")
    assert promtool is not None
    source = where / "data.om"
    write_openmetrics(source, anchor)
    data_dir = where / "tsdb"
    subprocess.run(
        [
            promtool,
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=2400h",
            str(source),
            str(data_dir),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    source.unlink()
    return PromData(anchor, data_dir)


class PrometheusProcess:
    """`prometheus` on 127.0.0.1:`port` over `data_dir`, with no scrape targets."""

    def __init__(self, data_dir: Path, port: int, rule_files: list[Path] | None = None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._dir = Path(tempfile.mkdtemp(prefix="sre-bot-prom-"))
        config = self._dir / "prometheus.yml"
        lines = ["global:", "  scrape_interval: 1h", "  evaluation_interval: 1m"]
        if rule_files:
            lines.append("rule_files:")
            lines.extend(f"  - {path}" for path in rule_files)
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self._log = (self._dir / "prometheus.log").open("wb")
        binary = shutil.which("prometheus")
        assert binary is not None
        self.process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={data_dir}",
                "--storage.tsdb.retention.time=60d",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30.0) -> PrometheusProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prometheus exited: {self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"prometheus was not ready within {timeout}s: {self.log()}")

    def log(self) -> str:
        self._log.flush()
        return (self._dir / "prometheus.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)


def synth_spec(path: Path, objective: float = 99.9, window: str = "30d") -> Path:
    """A Sloth spec with one SLO per scenario (service `synth`), on the synthetic counters."""
    lines = ['version: "prometheus/v1"', 'service: "synth"', "slos:"]
    for scenario in SCENARIOS:
        selector = f'{{scenario="{scenario.name}"}}'
        lines += [
            f'  - name: "{scenario.name}"',
            f"    objective: {objective}",
            f"    time_window: {window}",
            "    sli:",
            "      events:",
            f"        error_query: sum(rate(synth_errors_total{selector}[{{{{.window}}}}]))",
            f"        total_query: sum(rate(synth_requests_total{selector}[{{{{.window}}}}]))",
            "    alerting:",
            f"      name: Synth{scenario.name.capitalize()}Burn",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
