"""SLO figures from a real Prometheus over 31 days of synthetic data with known answers."""

import socket
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from commands.clock import iso_utc
from commands.config import Config, PrometheusConfig
from commands.context import Context
from commands.errors import PrometheusUnavailable
from commands.prometheus import PrometheusClient
from commands.slo.budget import SloStatus
from commands.slo.config import SlosConfig
from commands.slo.evaluation import SloSpecError, budget_history, evaluate, find_slo
from commands.slo.loading import load_slos, load_spec_file
from tests import prom
from tests.conftest import ROOT, free_port
from tests.factories import WINDOWS_7D


@pytest.fixture
def slo_ctx(prometheus, prom_clock, tmp_path):
    def make(*files, timeout: float = 10.0, url: str | None = None) -> Context:
        config = Config(
            prometheus=PrometheusConfig(url=url or prometheus.url, timeout_seconds=timeout),
            slos=SlosConfig(alert_windows=[str(WINDOWS_7D)], files=[str(f) for f in files]),
        )
        return Context(None, config, prom_clock)  # type: ignore[arg-type]

    return make


@pytest.fixture
def synth(tmp_path):
    return prom.synth_spec(tmp_path / "synth.yaml")


@pytest.fixture
def synth_report(slo_ctx, synth):
    return {r.spec.name: r for r in evaluate(slo_ctx(synth)).results}


@pytest.mark.parametrize(
    ("scenario", "status", "remaining"),
    [
        ("healthy", SloStatus.HEALTHY, 0.8),
        ("warning", SloStatus.WARNING, 0.05),
        ("exhausted", SloStatus.EXHAUSTED, -0.5),
        ("reset", SloStatus.HEALTHY, 0.8),
        ("partial", SloStatus.HEALTHY, 0.5),
    ],
)
def test_each_status_with_its_known_budget(synth_report, scenario, status, remaining):
    result = synth_report[scenario]
    assert result.status == status
    assert result.remaining == pytest.approx(remaining, abs=1e-6)
    assert result.burn_rate == pytest.approx(1 - remaining, abs=1e-6)
    assert result.sli == pytest.approx(1 - (1 - remaining) * 0.001, abs=1e-9)


def test_event_counts_over_the_window(synth_report):
    healthy = synth_report["healthy"]
    thirty_days = 30 * 86400
    assert healthy.window.total == pytest.approx(2.0 * thirty_days, rel=1e-3)
    assert healthy.window.bad == pytest.approx(2.0 * thirty_days * 0.0002, rel=1e-3)
    # A counter reset halfway is handled by rate(): same totals as without one.
    assert synth_report["reset"].window.total == pytest.approx(healthy.window.total, rel=1e-3)


def test_zero_traffic_is_no_data(synth_report):
    idle = synth_report["idle"]
    assert idle.status == SloStatus.NO_DATA
    assert idle.remaining is None and idle.sli is None and idle.burn_rate is None
    assert idle.as_json()["error_budget_remaining"] is None
    assert set(idle.burn_rates.values()) == {None}


def test_a_new_slo_reports_how_much_of_its_window_it_covers(synth_report, prom_clock):
    partial = synth_report["partial"]
    assert partial.partial
    assert partial.coverage == pytest.approx(1 / 3, abs=0.01)
    assert partial.data_since is not None
    assert prom_clock.now() - partial.data_since == pytest.approx(
        timedelta(days=10), abs=timedelta(hours=5)
    )
    assert partial.window.total == pytest.approx(2.0 * 10 * 86400, rel=1e-2)
    assert not synth_report["healthy"].partial


def test_burn_rates_over_5m_1h_6h_3d(synth_report):
    rates = synth_report["burning"].burn_rates
    assert rates["5m"] == pytest.approx(20, rel=1e-6)
    assert rates["1h"] == pytest.approx(20, rel=0.02)
    # 1h at 2% and 5h at 0.01%: (0.02 + 5 * 0.0001) / 6 / 0.001
    assert rates["6h"] == pytest.approx(3.4167, rel=0.02)
    assert rates["3d"] == pytest.approx((0.02 + 71 * 0.0001) / 72 / 0.001, rel=0.02)
    assert synth_report["burning"].status == SloStatus.HEALTHY
    assert synth_report["healthy"].burn_rates["1h"] == pytest.approx(0.2, rel=1e-6)


def test_the_guide_slos_from_the_examples(slo_ctx):
    files = [ROOT / "examples" / "slos" / n for n in ("api-availability.yaml", "llm-latency.yaml")]
    files.append(ROOT / "examples" / "slos" / "rl-reward.yaml")
    report = evaluate(slo_ctx(*files))
    figures = {r.spec.name: (r.status, r.remaining) for r in report.results}
    assert figures["api-availability"][0] == SloStatus.HEALTHY
    assert figures["api-availability"][1] == pytest.approx(0.7, abs=1e-6)
    assert figures["llm-fast-latency"][1] == pytest.approx(0.4, abs=1e-6)
    assert figures["llm-balanced-latency"] == (SloStatus.WARNING, pytest.approx(0.1, abs=1e-6))
    assert figures["llm-creative-latency"] == (SloStatus.EXHAUSTED, pytest.approx(-0.2, abs=1e-6))
    rl = next(r for r in report.results if r.spec.name == "rl-reward-stability")
    # 50 bad one-minute slices of 10080 in 7 days, against a 1% budget.
    assert rl.window.bad == pytest.approx(prom.RL_BAD_MINUTES, abs=1)
    assert rl.window.total == pytest.approx(7 * 1440, abs=2)
    assert rl.remaining == pytest.approx(1 - (50 / 10080) / 0.01, abs=0.02)
    assert not report.deploys_allowed
    assert [r.spec.name for r in report.exhausted] == ["llm-creative-latency"]


def test_a_latency_threshold_off_the_buckets_is_rejected_with_the_usable_ones(slo_ctx, tmp_path):
    text = (ROOT / "examples" / "slos" / "llm-latency.yaml").read_text()
    spec_file = tmp_path / "latency.yaml"
    spec_file.write_text(text.replace('le="2.5"', 'le="3"'), encoding="utf-8")
    with pytest.raises(SloSpecError) as caught:
        evaluate(slo_ctx(spec_file))
    message = str(caught.value)
    assert "llm-fast-latency" in message and "threshold 3 is not a histogram bucket" in message
    assert "0.5, 1, 2.5, 3.2, 4.5, 10" in message


def test_bad_promql_names_the_slo(slo_ctx, tmp_path):
    spec_file = prom.synth_spec(tmp_path / "bad.yaml")
    spec_file.write_text(
        spec_file.read_text().replace(
            "sum(rate(synth_errors_total", "sum(rat(synth_errors_total", 1
        )
    )
    with pytest.raises(SloSpecError, match=r"SLO synth/healthy: Prometheus refused its query"):
        evaluate(slo_ctx(spec_file))


def test_an_error_query_that_matches_nothing_is_never_read_as_zero_errors(slo_ctx, tmp_path):
    """A label the series do not have (Prometheus 3's le="1.0" where the spec says le="1")
    matched no series: the budget was read as 100% healthy with deploys allowed."""
    spec_file = prom.synth_spec(tmp_path / "typo.yaml")
    spec_file.write_text(
        spec_file.read_text().replace(
            "sum(rate(synth_errors_total{", 'sum(rate(synth_errors_total{typo="x",', 1
        )
    )
    with pytest.raises(PrometheusUnavailable) as caught:
        evaluate(slo_ctx(spec_file))
    reason = caught.value.reason
    assert "SLO synth/healthy: its bad query matched no series" in reason
    assert 'typo="x"' in reason and "or vector(0)" in reason


LE_SPEC = """
version: "prometheus/v1"
service: "le"
slos:
  - name: "{name}"
    objective: 95
    time_window: 7d
    sli:
      events:
        error_query: >-
          sum(rate({metric}_count{{{sel}}}[{{{{.window}}}}]))
          - sum(rate({metric}_bucket{{{sel},le="1"}}[{{{{.window}}}}]))
        total_query: sum(rate({metric}_count{{{sel}}}[{{{{.window}}}}]))
    alerting:
      name: Le{name}
"""


def test_a_bucket_written_le_1_matches_what_prometheus_3_stores_as_1_0(slo_ctx, tmp_path):
    """The same fast-mode histogram, once as Prometheus 2 holds it (`le="1"`) and once as
    Prometheus 3 does (`le="1.0"`, emulated): one spec reads both, to the same figure."""
    two = tmp_path / "two.yaml"
    two.write_text(
        LE_SPEC.format(name="two", metric="llm_brief_latency_seconds", sel='mode="fast"'),
        encoding="utf-8",
    )
    three = tmp_path / "three.yaml"
    three.write_text(
        LE_SPEC.format(name="three", metric="llm_v3_latency_seconds", sel='job="v3"'),
        encoding="utf-8",
    )
    results = {r.spec.name: r for r in evaluate(slo_ctx(two, three)).results}
    assert results["two"].window.ratio == pytest.approx(0.2, abs=1e-3)  # 80% within 1 s
    assert results["three"].window.ratio == pytest.approx(results["two"].window.ratio)
    assert results["three"].status == SloStatus.EXHAUSTED  # 20% errors on a 5% budget


def test_find_by_name_service_or_id(synth):
    specs = load_spec_file(synth)
    assert find_slo(specs, "HEALTHY").name == "healthy"
    assert find_slo(specs, "synth/warning").name == "warning"
    assert find_slo(specs, "synth-idle").name == "idle"


def test_prometheus_refusing_connections_is_unavailable_at_once(slo_ctx, synth):
    started = time.monotonic()
    with pytest.raises(PrometheusUnavailable, match="cannot connect"):
        evaluate(slo_ctx(synth, url=f"http://127.0.0.1:{free_port()}"))
    assert time.monotonic() - started < 2


def test_a_prometheus_that_never_answers_fails_at_the_timeout(slo_ctx, synth):
    """A listener that accepts and never answers: the whole report gives up at the deadline."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(PrometheusUnavailable, match=r"no answer within 0\.5 s"):
            evaluate(slo_ctx(synth, url=f"http://127.0.0.1:{port}", timeout=0.5))
        elapsed = time.monotonic() - started
        assert 0.4 < elapsed < 1.5
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        listener.close()


def test_queries_run_concurrently_and_bounded(prometheus, synth, prom_clock):
    """One query per SLO per window, at most max_concurrent at a time."""
    client = PrometheusClient(prometheus.url, timeout=10, max_concurrent=3)
    in_flight = peak = 0
    lock = threading.Lock()
    original = client._run

    def counting(*args, **kwargs):
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            time.sleep(0.02)
            return original(*args, **kwargs)
        finally:
            with lock:
                in_flight -= 1

    client._run = counting  # type: ignore[method-assign]
    specs = load_spec_file(synth)
    ctx = Context(None, Config(), prom_clock)  # type: ignore[arg-type]
    evaluate(ctx, specs, client)
    assert peak == 3


def test_the_config_lists_the_files(slo_ctx, synth):
    ctx = slo_ctx(synth)
    assert [s.name for s in load_slos(ctx.config)][:2] == ["healthy", "warning"]


PEER_SPEC = """
version: "prometheus/v1"
service: "peers"
slos:
  - name: "slo-generator-report-v2"
    objective: 90
    time_window: 12h
    sli:
      events:
        error_query: sum(rate(peer_events_total{result="bad"}[{{.window}}]))
        total_query: sum(rate(peer_events_total[{{.window}}]))
  - name: "caddy-response-latency"
    objective: 90
    time_window: 28d
    sli:
      events:
        error_query: >-
          sum(rate(caddy_http_request_duration_seconds_count{host="demo.pyrra.dev"}[{{.window}}]))
          - sum(rate(caddy_http_request_duration_seconds_bucket{host="demo.pyrra.dev",
          le="0.05"}[{{.window}}]))
        total_query: >-
          sum(rate(caddy_http_request_duration_seconds_count{host="demo.pyrra.dev"}[{{.window}}]))
"""

TWELVE_HOURS = """
apiVersion: sloth.slok.dev/v1
kind: AlertWindows
spec:
  sloPeriod: 12h
  page:
    quick: {errorBudgetPercent: 10, shortWindow: 5m, longWindow: 1h}
    slow: {errorBudgetPercent: 25, shortWindow: 30m, longWindow: 3h}
  ticket:
    quick: {errorBudgetPercent: 50, shortWindow: 1h, longWindow: 6h}
    slow: {errorBudgetPercent: 100, shortWindow: 2h, longWindow: 12h}
"""


def test_the_report_gives_the_peers_figures_for_the_peers_cases(prometheus, prom_clock, tmp_path):
    """slo-generator's slo_report_v2.json and Pyrra's caddy-response-latency row, from the same
    events on a real Prometheus."""
    (tmp_path / "12h.yaml").write_text(TWELVE_HOURS, encoding="utf-8")
    (tmp_path / "peers.yaml").write_text(PEER_SPEC, encoding="utf-8")
    config = Config(
        prometheus=PrometheusConfig(url=prometheus.url, timeout_seconds=10),
        slos=SlosConfig(
            alert_windows=[str(tmp_path / "12h.yaml")], files=[str(tmp_path / "peers.yaml")]
        ),
    )
    ctx = Context(None, config, prom_clock)  # type: ignore[arg-type]
    report = {r.spec.name: r.as_json() for r in evaluate(ctx).results}

    generator = report["slo-generator-report-v2"]
    assert generator["good_events"] == pytest.approx(3556, abs=1)
    assert generator["bad_events"] == pytest.approx(3556, abs=1)
    assert generator["sli"] == pytest.approx(0.5, abs=1e-6)
    assert generator["burn_rate"] == pytest.approx(5.0, abs=1e-5)
    assert generator["error_budget_minutes"] == pytest.approx(71.99999999999999)
    assert generator["error_budget_remaining_minutes"] == pytest.approx(-288, abs=1e-3)
    assert generator["error_minutes"] == pytest.approx(360, abs=1e-3)
    assert generator["error_budget_remaining"] == pytest.approx(-4.0, abs=1e-5)
    assert generator["status"] == "exhausted"

    caddy = report["caddy-response-latency"]
    assert round(caddy["sli"] * 100, 2) == 32.79
    assert round(caddy["error_budget_remaining"] * 100, 2) == -572.08
    assert caddy["error_budget_minutes"] == pytest.approx(28 * 1440 * 0.1)


CALENDAR_SPEC = """
apiVersion: openslo/v1
kind: SLO
metadata:
  name: burning-this-month
spec:
  service: synth
  indicator:
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: synth_errors_total{{scenario="burning"}}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: synth_requests_total{{scenario="burning"}}
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: "{start}"
        timeZone: Asia/Seoul
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
"""


def test_a_calendar_month_counts_from_the_start_of_its_period(
    slo_ctx, prometheus, prom_clock, tmp_path
):
    """The burning scenario (0.01% errors, 2% in the last hour) in a calendar month that began
    two days ago: the figures cover those 48 hours, not the last 30 days."""
    at = prom_clock.now()
    began = at - timedelta(days=2)
    start = began.astimezone(ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d %H:%M:%S")
    spec_file = tmp_path / "calendar.yaml"
    spec_file.write_text(CALENDAR_SPEC.format(start=start), encoding="utf-8")
    [result] = evaluate(slo_ctx(spec_file)).results
    data = result.as_json()
    assert data["window"] == "1M" and data["window_calendar_aligned"] is True
    assert data["window_start"] == iso_utc(began)
    errors = (0.02 * 1 + 0.0001 * 47) / 48  # two days, the last hour at 2%
    assert result.remaining == pytest.approx(1 - errors / 0.001, abs=0.01)
    assert result.window.total == pytest.approx(2 * 48 * 3600, rel=0.01)  # 2 requests a second
    assert result.coverage == pytest.approx(1.0, abs=0.01)
    # The budget is the whole month's, whichever month this is.
    month = datetime.fromisoformat(data["window_end"]) - datetime.fromisoformat(
        data["window_start"]
    )
    assert month.days in (28, 29, 30, 31) and month.seconds == 0
    assert data["error_budget_minutes"] == pytest.approx(month.total_seconds() / 60 * 0.001)
    # The digest's chart starts at the period's start too.
    client = PrometheusClient(prometheus.url, timeout=10)
    try:
        history = budget_history(result.spec, client, at)
    finally:
        client.close()
    assert history[0].at == began and history[0].remaining == 1.0
    assert history[-1].remaining == pytest.approx(result.remaining, abs=0.02)
