"""SLO spec files: Sloth prometheus/v1 and OpenSLO openslo/v1, and the errors for the rest."""

import re
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commands.config import Config, load_config
from commands.errors import ConfigError
from commands.slo.buckets import BucketUse, bucket_problem, bucket_uses
from commands.slo.loading import load_slos, load_spec_file
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"

SLOTH = """\
version: "prometheus/v1"
service: "myservice"
labels:
  owner: "myteam"
  tier: 2
slos:
  - name: "requests-availability"
    objective: 99.9
    description: "Common SLO based on availability for HTTP request responses."
    labels:
      category: availability
    sli:
      events:
        error_query: >-
          sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
    alerting:
      name: "MyServiceHighErrorRate"
      labels:
        category: "availability"
      annotations:
        summary: "High error rate on 'myservice' requests responses"
      page_alert:
        labels:
          severity: "pageteam"
          routing_key: "myteam"
      ticket_alert:
        labels:
          severity: "slack"
          slack_channel: "#alerts-myteam"
  - name: "latency-raw"
    objective: 99
    time_window: 28d
    sli:
      raw:
        error_ratio_query: 1 - avg_over_time(up{job="myservice"}[{{.window}}])
    alerting:
      page_alert:
        disable: true
"""


RAW_SLI = (
    '      raw:\n        error_ratio_query: 1 - avg_over_time(up{job="myservice"}[{{.window}}])\n'
)
assert RAW_SLI in SLOTH


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_sloth_file_as_sloth_documents_it(tmp_path):
    avail, raw = load_spec_file(write(tmp_path, SLOTH))
    assert avail.service == "myservice" and avail.name == "requests-availability"
    assert avail.id == "myservice-requests-availability"
    assert avail.objective == pytest.approx(0.999)
    assert avail.window == timedelta(days=30)  # the default
    assert avail.labels == {"owner": "myteam", "tier": "2", "category": "availability"}
    assert avail.alerting.name == "MyServiceHighErrorRate"
    assert avail.alerting.page.labels == {"severity": "pageteam", "routing_key": "myteam"}
    assert avail.sli.kind == "events" and avail.sli.counts_are_rates
    assert "[5m]" in avail.sli.bad("5m") and "{{.window}}" not in avail.sli.total("30d")
    assert raw.sli.kind == "raw" and raw.window == timedelta(days=28)
    assert raw.alerting.page.disable and not raw.alerting.ticket.disable
    assert not raw.sli.has_events


OPENSLO_RATIO = """\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  service: checkout
  indicator:
    metadata:
      name: good-checkouts
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: checkout_requests_total{code!~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: checkout_requests_total
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: good
      target: 0.995
"""


def test_openslo_ratio_metric_with_good_and_total(tmp_path):
    [spec] = load_spec_file(write(tmp_path, OPENSLO_RATIO))
    assert (spec.service, spec.name, spec.objective) == ("checkout", "checkout-availability", 0.995)
    assert spec.window == timedelta(days=28)
    assert spec.sli.kind == "good"
    assert spec.sli.good("1h") == 'sum(rate(checkout_requests_total{code!~"5.."}[1h]))'
    assert spec.sli.total("1h") == "sum(rate(checkout_requests_total[1h]))"
    assert spec.spec_version == "openslo/v1"


ROLLING_28D = "  timeWindow:\n    - duration: 28d\n      isRolling: true\n"
CALENDAR_MONTH = """\
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: 2022-01-01 00:00:00
        timeZone: Asia/Seoul
"""
assert ROLLING_28D in OPENSLO_RATIO


def test_openslo_calendar_aligned_month(tmp_path):
    [spec] = load_spec_file(write(tmp_path, OPENSLO_RATIO.replace(ROLLING_28D, CALENDAR_MONTH)))
    assert spec.calendar is not None and spec.window_text == "1M"
    assert spec.window == timedelta(days=30)  # what the rules and alert windows use
    at = datetime(2026, 12, 10, 3, tzinfo=UTC)  # 12:00 in Seoul
    assert spec.period_at(at) == (
        datetime(2026, 11, 30, 15, tzinfo=UTC),  # December 1st, 00:00 in Seoul
        datetime(2026, 12, 31, 15, tzinfo=UTC),
    )


CALENDAR_FIX = "  timeWindow:\n    - duration: 1M\n      isRolling: false\n"


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ("        startTime: 2022-01-01 00:00:00\n", "", "calendar.startTime", "required"),
        ("Asia/Seoul", "Mars/Olympus", "calendar.timeZone", "unknown time zone 'Mars/Olympus'"),
        ("2022-01-01 00:00:00", "soon", "calendar.startTime", "such as 2022-01-01 00:00:00"),
        ("1M", "one month", "duration", "OpenSLO duration such as 1M"),
        (CALENDAR_MONTH, CALENDAR_FIX, "calendar", "needs calendar: startTime, timeZone"),
        ("isRolling: false", "isRolling: true", "calendar", "a rolling window has no calendar"),
        ("isRolling: false", "isRolling: sometimes", "isRolling", "true or false"),
        (CALENDAR_MONTH, ROLLING_28D.replace("28d", "1M"), "duration", "not a duration"),
    ],
)
def test_bad_calendar_windows_name_the_field(tmp_path, old, new, field, problem):
    window = CALENDAR_MONTH.replace(old, new)
    path = write(tmp_path, OPENSLO_RATIO.replace(ROLLING_28D, window))
    with pytest.raises(ConfigError) as caught:
        load_spec_file(path)
    assert f": spec.timeWindow[0].{field}: " in str(caught.value)
    assert problem in str(caught.value)


def test_a_ratio_counted_in_timeslices_is_refused_saying_what_is_read(tmp_path):
    text = OPENSLO_RATIO.replace("budgetingMethod: Occurrences", "budgetingMethod: Timeslices")
    with pytest.raises(ConfigError, match=r"spec.budgetingMethod: unsupported 'Timeslices'"):
        load_spec_file(write(tmp_path, text))


def test_the_guide_examples_load(tmp_path):
    config = load_config(EXAMPLES / "sre-bot.yml")
    specs = load_slos(config)
    assert [(s.name, s.objective, s.window_text) for s in specs] == [
        ("api-availability", 0.999, "30d"),
        ("llm-fast-latency", 0.95, "7d"),
        ("llm-balanced-latency", 0.95, "7d"),
        ("llm-creative-latency", 0.95, "7d"),
        ("rl-reward-stability", 0.99, "7d"),
    ]
    rl = specs[-1]
    assert rl.sli.kind == "threshold" and rl.sli.op == "gt" and rl.sli.value == 10.0
    assert "(avg(rl_reward)) <= bool 10.0)[7d:1m]" in rl.sli.bad("7d")
    assert [u.threshold for s in specs for u in bucket_uses(s)] == ["2.5", "3.2", "4.5"]


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (
            SLOTH.replace("    description:", "    owner: me\n    description:", 1),
            "slos[0].owner",
            "unsupported field",
        ),
        (
            SLOTH.replace("      events:\n", "      plugin:\n        id: x\n      events:\n", 1),
            "slos[0].sli",
            "exactly one of events, raw or plugin",
        ),
        (
            SLOTH.replace(RAW_SLI, "      plugin:\n        id: sli/x\n"),
            "slos[1].sli.plugin.id",
            "no SLI plugin 'sli/x': define it in a YAML file in the folder named by slo_plugins",
        ),
        (SLOTH.replace("objective: 99.9", "objective: 100"), "slos[0].objective", "below 100"),
        (SLOTH.replace("objective: 99.9", 'objective: "high"'), "slos[0].objective", "percent"),
        (
            SLOTH.replace("[{{.window}}]))\n        total", "[5m]))\n        total", 1),
            "slos[0].sli.events.error_query",
            "{{.window}}",
        ),
        (
            SLOTH.replace("time_window: 28d", "time_window: a week"),
            "slos[1].time_window",
            "not a duration",
        ),
        (
            SLOTH.replace('version: "prometheus/v1"', 'version: "prometheus/v2"'),
            "version",
            "unsupported",
        ),
        (
            SLOTH.replace(
                "      page_alert:\n        disable: true", "      page_alert:\n        for: 5m"
            ),
            "slos[1].alerting.page_alert.for",
            "unsupported field",
        ),
        (
            OPENSLO_RATIO.replace("  budgetingMethod", "  indicatorRef: x\n  budgetingMethod"),
            "spec.indicatorRef",
            "unsupported",
        ),
        (OPENSLO_RATIO.replace("kind: SLO", "kind: SLI"), "kind", "only kind: SLO"),
        (
            OPENSLO_RATIO.replace("type: Prometheus", "type: Datadog", 1),
            "spec.indicator.spec.ratioMetric.good.metricSource.type",
            "only Prometheus",
        ),
        (
            OPENSLO_RATIO.replace("target: 0.995", "target: 99.5"),
            "spec.objectives[0].target",
            "ratio",
        ),
        ("just: text\n", "(top level)", "not an SLO spec"),
    ],
)
def test_unsupported_or_wrong_fields_name_the_file_and_the_field(tmp_path, text, field, problem):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_spec_file(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert f": {field}: " in message
    assert problem in message


def test_not_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "version: [unclosed\n")
    with pytest.raises(ConfigError, match=rf"{path}:\d+: not valid YAML"):
        load_spec_file(path)


def test_paths_are_relative_to_the_config_file_in_both_forms(tmp_path):
    specs_dir = tmp_path / "conf" / "slos"
    specs_dir.mkdir(parents=True)
    write(specs_dir, SLOTH, "a.yaml")
    listed = write(tmp_path / "conf", "slos:\n  - slos/a.yaml\n", "sre-bot.yml")
    assert [s.name for s in load_slos(load_config(listed))] == [
        "requests-availability",
        "latency-raw",
    ]
    mapping = write(
        tmp_path / "conf",
        f"""\
        slos:
          files: [{specs_dir / "a.yaml"}]
          deploy_gate:
            block_on_open_incidents: [Sev1]
          evaluate_every_minutes: 10
        digest:
          cron: "30 8 * * 1-5"
          channel: "#slo"
        """,
        "mapping.yml",
    )
    config = load_config(mapping)
    assert len(load_slos(config)) == 2
    assert config.slos.deploy_gate.block_on_open_incidents == ["Sev1"]
    assert config.digest_channel == "#slo" and config.slo_channel == "#sre"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("slos:\n  - missing.yaml\n", r"sre-bot.yml:2: slos: no such SLO spec file .*missing"),
        (
            "slos:\n  default_window: 30d\n  files:\n    - missing.yaml\n",
            r"sre-bot.yml:4: slos: no such SLO spec file",
        ),
        (
            "slos:\n  alert_windows: [nowhere.yaml]\n  files: []\n",
            r"sre-bot.yml:2: slos.alert_windows: .*nowhere.yaml: no such alert windows file",
        ),
        (
            "slo_plugins: plugins\nslos:\n  files: []\n",
            r"sre-bot.yml:1: slo_plugins: no such folder of SLI plugin definitions .*plugins",
        ),
        ("slos:\n  files: []\n  gate: {}\n", "slos.gate: unknown key"),
        ("slos:\n  deploy_gate:\n    block_on_open_incidents: [Sev9]\n", "unknown severity"),
        ('digest:\n  cron: "every morning"\n', "digest.cron: not a crontab expression"),
    ],
)
def test_bad_slo_config_is_a_clear_error(tmp_path, text, key):
    path = write(tmp_path, text, "sre-bot.yml")
    with pytest.raises(ConfigError, match=key):
        load_slos(load_config(path))


def test_the_same_slo_twice_is_an_error(tmp_path):
    write(tmp_path, SLOTH, "a.yaml")
    write(tmp_path, SLOTH, "b.yaml")
    config = load_config(write(tmp_path, "slos: [a.yaml, b.yaml]\n", "sre-bot.yml"))
    with pytest.raises(ConfigError, match="defined twice"):
        load_slos(config)


def test_prometheus_url_from_the_environment_wins():
    config = Config()
    assert config.prometheus_url({}) == "http://localhost:9090"
    assert config.prometheus_url({"PROMETHEUS_URL": "http://prom:9090"}) == "http://prom:9090"


def test_a_latency_threshold_off_the_buckets_names_the_usable_ones():
    use = BucketUse("lat_bucket", 'mode="fast"', "3")
    problem = bucket_problem(use, ["0.5", "1", "2.5", "5", "+Inf"])
    assert problem is not None
    assert "not a histogram bucket boundary" in problem and "0.5, 1, 2.5, 5" in problem
    assert bucket_problem(BucketUse("lat_bucket", "", "2.50"), ["1", "2.5", "+Inf"]) is None
    assert bucket_problem(use, []) is None  # no data yet: nothing to compare with


OPENSLO_PEERS = ROOT / "tests" / "peers" / "openslo"


@pytest.mark.parametrize(
    ("name", "field", "problem"),
    [
        # Their sources are placeholders; the first thing sre-bot cannot compute is named.
        (
            "occurences-slo.yaml",
            "spec.indicator.spec.thresholdMetric.metricSource.type",
            "unsupported metric source 'Any' (only Prometheus)",
        ),
        (
            "ratio-timeslices.yaml",
            "spec.indicator.spec.ratioMetric.total.metricSource.type",
            "unsupported metric source 'Any' (only Prometheus)",
        ),
        ("timeslices-slo.yaml", "spec.objectives", "give exactly one objective"),
        (
            "low-traffic-timeslices-slo.yaml",
            "spec.objectives[0].timeSliceTarget",
            "a ratioMetric is counted in events (Occurrences)",
        ),
    ],
)
def test_openslos_own_examples_are_refused_naming_the_line_and_what_is_read(name, field, problem):
    path = OPENSLO_PEERS / name
    with pytest.raises(ConfigError) as caught:
        load_spec_file(path)
    message = str(caught.value)
    assert re.match(rf"{re.escape(str(path))}:\d+: {re.escape(field)}: ", message), message
    assert problem in message
