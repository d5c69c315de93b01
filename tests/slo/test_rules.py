"""`sre-bot slo rules`: Sloth-compatible recordings and burn-rate alerts that promtool accepts,
and a 14.4x burn that pages (promtool test rules, the real evaluator)."""

import shutil
import subprocess
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from commands.config import load_config
from commands.errors import ConfigError
from commands.slo.alert_windows import load_catalog
from commands.slo.load_context import LoadContext
from commands.slo.loading import load_slos, load_spec_file
from commands.slo.rules import request_for, rule_groups, rules_yaml
from tests.conftest import ROOT

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed")

BURN_SPEC = """\
version: "prometheus/v1"
service: "shop"
labels:
  team: sre
slos:
  - name: "fast-burn"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(fast_errors_total[{{.window}}]))
        total_query: sum(rate(fast_requests_total[{{.window}}]))
    alerting:
      name: FastBurn
      labels:
        category: availability
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        labels:
          severity: warning
  - name: "slow-burn"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(slow_errors_total[{{.window}}]))
        total_query: sum(rate(slow_requests_total[{{.window}}]))
    alerting:
      name: SlowBurn
  - name: "no-burn"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(calm_errors_total[{{.window}}]))
        total_query: sum(rate(calm_requests_total[{{.window}}]))
    alerting:
      name: NoBurn
"""


def example_specs():
    return load_slos(load_config(ROOT / "examples" / "sre-bot.yml"))


def test_sloth_names_and_labels():
    specs = example_specs()
    groups = rule_groups(specs)["groups"]
    api = specs[0]
    recordings = {
        rule["record"]: rule for group in groups for rule in group["rules"] if "record" in rule
    }
    for window in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d", "1w"):
        assert f"slo:sli_error:ratio_rate{window}" in recordings
    for name in (
        "slo:objective:ratio",
        "slo:error_budget:ratio",
        "slo:time_period:days",
        "slo:current_burn_rate:ratio",
        "slo:period_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio",
        "sloth_slo_info",
    ):
        assert name in recordings
    first = groups[0]["rules"][0]
    assert first["labels"] == {
        "team": "sre",
        "sloth_id": api.id,
        "sloth_service": "artisan-api",
        "sloth_slo": "api-availability",
        "sloth_window": "5m",
    }
    # The whole window is Sloth's: the 5m ratio averaged over it (cheap, as Sloth's
    # dashboards expect); `sloth.dev/core/sli_rules/v1` with disableOptimized sums instead.
    period = next(r for r in groups[0]["rules"] if r["labels"]["sloth_window"] == "30d")
    assert period["expr"].startswith("sum_over_time(slo:sli_error:ratio_rate5m{")
    week = next(g for g in groups if g["name"].endswith("llm-fast-latency"))
    assert week["rules"][-1]["labels"]["sloth_window"] == "1w"
    assert week["rules"][-1]["record"] == "slo:sli_error:ratio_rate1w"
    alerts = [rule for group in groups for rule in group["rules"] if "alert" in rule]
    assert {a["alert"] for a in alerts} >= {"ArtisanApiAvailabilityBudgetBurn"}
    assert {a["labels"]["sloth_severity"] for a in alerts} == {"page", "ticket"}


def _factors(spec):
    windows = request_for(spec).windows
    quick, slow = (
        (windows.page_quick, windows.page_slow),
        (windows.ticket_quick, windows.ticket_slow),
    )
    return [round(windows.factor(w), 6) for w in (*quick, *slow)]


def test_factors_are_sloths_for_30_days_and_the_windows_file_for_7():
    specs = example_specs()
    assert _factors(specs[0]) == [14.4, 6.0, 3.0, 1.0]
    assert specs[1].window == timedelta(days=7)
    assert specs[1].alert_windows.source.endswith("examples/windows/7d.yaml")
    assert _factors(specs[1]) == [13.44, 3.5, 1.4, 0.98]


def test_a_period_without_alert_windows_is_refused_naming_the_file_to_add(tmp_path):
    spec = BURN_SPEC.replace("objective: 99.9\n", "objective: 99.9\n    time_window: 14d\n", 1)
    path = _write(tmp_path, "two-weeks.yaml", spec)
    with pytest.raises(
        ConfigError,
        match=r"two-weeks.yaml:\d+: slos\[0\].time_window: no alert "
        r"windows for a 2w period .* `sloPeriod: 2w` \(examples/windows/7d.yaml is one\)",
    ):
        load_spec_file(path)
    catalog = load_catalog([_write(tmp_path, "2w.yaml", WINDOWS_14D)])
    [two_weeks, *_] = load_spec_file(path, LoadContext(windows=catalog))
    assert two_weeks.alert_windows.period == timedelta(days=14)


WINDOWS_14D = """\
apiVersion: sloth.slok.dev/v1
kind: AlertWindows
spec:
  sloPeriod: 14d
  page:
    quick: {errorBudgetPercent: 4, shortWindow: 5m, longWindow: 1h}
    slow: {errorBudgetPercent: 8, shortWindow: 30m, longWindow: 6h}
  ticket:
    quick: {errorBudgetPercent: 15, shortWindow: 2h, longWindow: 1d}
    slow: {errorBudgetPercent: 25, shortWindow: 6h, longWindow: 3d}
"""


def test_disable_optimized_sums_the_whole_period():
    spec = BURN_SPEC.replace(
        "slos:\n",
        "slo_plugins:\n  chain:\n    - id: sloth.dev/core/sli_rules/v1\n"
        "      config: {disableOptimized: true}\nslos:\n",
    )
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        [fast, *_] = load_spec_file(_write(Path(folder), "s.yaml", spec))
    period = rule_groups([fast])["groups"][0]["rules"][-1]
    assert period["labels"]["sloth_window"] == "30d"
    assert "sum_over_time" not in period["expr"] and "[30d]" in period["expr"]


@needs_promtool
def test_promtool_accepts_the_rules(tmp_path):
    specs = example_specs() + load_spec_file(_write(tmp_path, "burn.yaml", BURN_SPEC))
    rules = tmp_path / "rules.yml"
    rules.write_text(rules_yaml(specs), encoding="utf-8")
    checked = subprocess.run(
        [PROMTOOL, "check", "rules", str(rules)], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _expected(spec, severity, labels):
    title = f"({severity}) shop {spec.name} SLO error budget burn rate is too fast."
    return {
        "exp_labels": {
            "team": "sre",
            "sloth_id": spec.id,
            "sloth_service": "shop",
            "sloth_slo": spec.name,
            "sloth_severity": severity,
            **labels,
        },
        "exp_annotations": {
            "title": title,
            "summary": f"shop {spec.name} SLO error budget burn rate is over expected.",
        },
    }


@needs_promtool
def test_a_14_4x_burn_pages_and_a_5x_burn_does_not(tmp_path):
    fast, slow, calm = load_spec_file(_write(tmp_path, "burn.yaml", BURN_SPEC))
    _write(tmp_path, "rules.yml", rules_yaml([fast, slow, calm]))
    # 1.5% errors is a burn of 15 (over 14.4: a page). 0.5% is 5: under both page factors
    # (14.4 and 6) but over the ticket's 3. 0.05% is 0.5: nothing.
    test = {
        "rule_files": ["rules.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    {"series": "fast_requests_total", "values": "0+1000x120"},
                    {"series": "fast_errors_total", "values": "0+15x120"},
                    {"series": "slow_requests_total", "values": "0+1000x120"},
                    {"series": "slow_errors_total", "values": "0+5x120"},
                    {"series": "calm_requests_total", "values": "0+1000x120"},
                    {"series": "calm_errors_total", "values": "0+0.5x120"},
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "70m",
                        "alertname": "FastBurn",
                        "exp_alerts": [
                            _expected(
                                fast, "page", {"category": "availability", "severity": "critical"}
                            ),
                            _expected(
                                fast, "ticket", {"category": "availability", "severity": "warning"}
                            ),
                        ],
                    },
                    {
                        "eval_time": "70m",
                        "alertname": "SlowBurn",
                        "exp_alerts": [_expected(slow, "ticket", {})],
                    },
                    {"eval_time": "70m", "alertname": "NoBurn", "exp_alerts": []},
                ],
            }
        ],
    }
    test_file = tmp_path / "test.yml"
    test_file.write_text(yaml.safe_dump(test, sort_keys=False), encoding="utf-8")
    result = subprocess.run(
        [PROMTOOL, "test", "rules", str(test_file)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, textwrap.shorten(result.stdout + result.stderr, 4000)
