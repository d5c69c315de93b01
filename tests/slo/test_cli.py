"""`sre-bot slo report | check | rules` as a user runs them, against the real Prometheus."""

import json
import subprocess
import time

import pytest
import yaml

from tests.conftest import free_port
from tests.factories import EXAMPLE_SLOS, ROOT, slos_yaml

CONTRACT = {
    "service",
    "slo",
    "objective",
    "window",
    "sli",
    "error_budget_remaining",
    "burn_rate",
    "burn_rates",
    "status",
}


@pytest.fixture
def run(cli):
    def run(*args: str, config: str, env: dict | None = None) -> subprocess.CompletedProcess:
        cli.configure(config)
        return cli(*args, env=env)

    return run


def config_for(url: str, *files: str, timeout: float = 10) -> str:
    listed = [EXAMPLE_SLOS / f for f in files]
    return f"prometheus:\n  url: {url}\n  timeout_seconds: {timeout}\n" + slos_yaml(*listed)


ALL = ("api-availability.yaml", "llm-latency.yaml", "rl-reward.yaml")


def test_report_reads_like_the_guide(run, prometheus):
    done = run("slo", "report", config=config_for(prometheus.url, *ALL))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("=== SLO report (")
    text = done.stdout
    for label in (
        "Target:",
        "Actual:",
        "Error budget used:",
        "Error budget left:",
        "Status:",
        "Total events:",
        "Failed events:",
    ):
        assert label in text
    assert "99.9% over 30d" in text and "HEALTHY" in text and "EXHAUSTED" in text
    assert "70.0%" in text  # the availability budget left
    assert lines[-1] == "Deployments blocked due to SLO violations: llm-creative-latency"
    assert not (ROOT / "tmp" / "cli.db").exists()


def test_report_json_has_the_contract_fields(run, prometheus):
    done = run("slo", "report", "--json", config=config_for(prometheus.url, *ALL))
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert [i["slo"] for i in items] == [
        "api-availability",
        "llm-fast-latency",
        "llm-balanced-latency",
        "llm-creative-latency",
        "rl-reward-stability",
    ]
    for item in items:
        assert set(item) >= CONTRACT
        assert set(item["burn_rates"]) == {"5m", "1h", "6h", "3d"}
    api = items[0]
    assert api["objective"] == 0.999 and api["window"] == "30d"
    assert api["error_budget_remaining"] == pytest.approx(0.7, abs=0.01)
    assert api["sli"] == pytest.approx(0.9997, abs=1e-5)
    assert api["status"] == "healthy"
    assert items[3]["status"] == "exhausted"


def test_check_exits_1_when_a_budget_is_spent_and_0_when_none_is(run, prometheus):
    blocked = run("slo", "check", config=config_for(prometheus.url, *ALL))
    assert blocked.returncode == 1, blocked.stderr
    assert blocked.stdout.splitlines()[-1].startswith("Deployments blocked due to SLO violations")
    allowed = run("slo", "check", config=config_for(prometheus.url, "api-availability.yaml"))
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.splitlines()[-1] == "All SLOs within error budget - Deployments allowed"


def test_prometheus_url_from_the_environment_wins(run, prometheus):
    config = config_for("http://127.0.0.1:1", "api-availability.yaml")
    done = run("slo", "check", config=config, env={"PROMETHEUS_URL": prometheus.url})
    assert done.returncode == 0, done.stderr


def test_unreachable_prometheus_exits_3_with_a_clear_message(run):
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    done = run("slo", "check", config=config_for(url, *ALL, timeout=2))
    assert done.returncode == 3
    assert f"Prometheus at {url} cannot be reached" in done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 15


def test_an_error_query_matching_nothing_exits_3_naming_the_query(run, prometheus, tmp_path):
    """A typo in the error query's labels over real traffic: never "0 errors, healthy"."""
    spec = tmp_path / "typo.yaml"
    spec.write_text(
        'version: "prometheus/v1"\nservice: api\nslos:\n  - name: typo\n    objective: 99.9\n'
        "    sli:\n      events:\n"
        '        error_query: sum(rate(api_requests_total{status="5OO"}[{{.window}}]))\n'
        "        total_query: sum(rate(api_requests_total[{{.window}}]))\n",
        encoding="utf-8",
    )
    done = run("slo", "check", config=f"prometheus:\n  url: {prometheus.url}\nslos: [{spec}]\n")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "SLO api/typo: its bad query matched no series" in done.stderr
    assert 'status="5OO"' in done.stderr and "healthy" not in done.stdout


def test_rules_need_no_prometheus_and_parse(run):
    done = run("slo", "rules", config=config_for("http://127.0.0.1:1", *ALL))
    assert done.returncode == 0, done.stderr
    groups = yaml.safe_load(done.stdout)["groups"]
    names = [g["name"] for g in groups]
    assert "sloth-slo-sli-recordings-artisan-api-api-availability" in names
    assert "sloth-slo-alerts-artisan-llm-llm-creative-latency" in names


def test_a_bad_spec_is_a_configuration_error(run, tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text('version: "prometheus/v1"\nservice: x\nslos:\n  - name: a\n', encoding="utf-8")
    done = run("slo", "report", config=f"slos:\n  - {spec}\n")
    assert done.returncode == 2
    assert f"{spec}:4: slos[0].objective: required field is missing" in done.stderr
    # The server refuses to start on it too, rather than failing at the first digest.
    served = run("serve", "--port", str(free_port()), config=f"slos:\n  - {spec}\n")
    assert served.returncode == 2
    assert "slos[0].objective" in served.stderr


def test_no_slos_configured(run):
    done = run("slo", "check", config="slack:\n  timezone: UTC\n")
    assert done.returncode == 0
    assert "No SLOs are configured" in done.stderr
