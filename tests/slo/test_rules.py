"""`sre-bot slo rules`: Sloth-compatible recordings and burn-rate alerts that promtool accepts,
and a 14.4x burn that pages (promtool test rules, the real evaluator)."""

import shutil
import subprocess
import textwrap
from datetime import timedelta

import pytest
import yaml

from commands.config import load_config
from commands.slo.loading import load_slos, load_spec_file
from commands.slo.rules import alert_factors, rule_groups, rules_yaml
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
    for window in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d", "7d"):
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
    # The whole window is sum(bad)/sum(total) over it, not a mean of 5m ratios.
    period = next(r for r in groups[0]["rules"] if r["labels"]["sloth_window"] == "30d")
    assert "[30d]" in period["expr"] and "sum_over_time" not in period["expr"]
    alerts = [rule for group in groups for rule in group["rules"] if "alert" in rule]
    assert {a["alert"] for a in alerts} >= {"ArtisanApiAvailabilityBudgetBurn"}
    assert {a["labels"]["sloth_severity"] for a in alerts} == {"page", "ticket"}


def test_factors_for_30_days_and_scaled_for_7():
    specs = example_specs()
    thirty = alert_factors(specs[0])
    assert [round(f, 6) for f, _, _ in thirty["page"]] == [14.4, 6.0]
    assert [round(f, 6) for f, _, _ in thirty["ticket"]] == [3.0, 1.0]
    assert [(long, short) for _, long, short in thirty["page"]] == [("1h", "5m"), ("6h", "30m")]
    week = alert_factors(specs[1])
    assert specs[1].window == timedelta(days=7)
    assert [round(f, 4) for f, _, _ in week["page"]] == [3.36, 1.4]
    assert [round(f, 4) for f, _, _ in week["ticket"]] == [0.7, 0.2333]


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
        "exp_annotations": {"title": title},
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
