"""Sloth's own published files, unchanged (tests/peers/sloth): every input Sloth accepts
loads, and the rules sre-bot generates equal the rules Sloth generated for it: the same
groups, rule names, labels, annotations and expressions (modulo whitespace), apart from
`sloth_version` and one rewrite on purpose, `le="5"` matched as `le=~"5|5\\.0"` so that the
bucket is found on Prometheus 3 too."""

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from commands.errors import ConfigError
from commands.slo.alert_windows import load_catalog
from commands.slo.load_context import LoadContext
from commands.slo.loading import load_spec_file
from commands.slo.rules import rule_groups, rules_yaml
from commands.slo.sli_plugins import load_sli_plugins
from commands.slo.specs import portable_le
from tests.conftest import ROOT

PEERS = ROOT / "tests" / "peers" / "sloth"
EXAMPLES = PEERS / "examples"
TESTDATA = PEERS / "testdata"
GEN = EXAMPLES / "_gen"
PLUGINS = load_sli_plugins(ROOT / "examples" / "slo_plugins") | load_sli_plugins(
    PEERS / "slo_plugins"
)
CONTEXT = LoadContext(sli_plugins=PLUGINS)
PROMTOOL = shutil.which("promtool")

# Sloth's testdata SLO plugin is Go code of Sloth's own tests (plugins/slo/plugin1): sre-bot
# runs Sloth's core and contrib plugins, and refuses an unknown one by its ID.
GO_SLO_PLUGIN = {"in-slo-plugin.yaml", "in-slo-plugin-k8s.yaml"}


def _groups(path: Path) -> list[dict]:
    groups = []
    for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if not doc:
            continue
        groups += doc["spec"]["groups"] if doc.get("kind") == "PrometheusRule" else doc["groups"]
    return groups


def _normal(groups: list[dict], *, peer: bool) -> list[dict]:
    out = []
    for group in groups:
        rules = []
        for rule in group["rules"]:
            expr = portable_le(rule["expr"]) if peer else rule["expr"]
            labels = {k: str(v) for k, v in (rule.get("labels") or {}).items()}
            labels.pop("sloth_version", None)
            rules.append(
                {
                    "name": rule.get("record") or rule.get("alert"),
                    "kind": "record" if "record" in rule else "alert",
                    "expr": re.sub(r"\s+", "", expr),
                    "for": rule.get("for"),
                    "labels": labels,
                    "annotations": rule.get("annotations") or {},
                }
            )
        out.append({"name": group["name"], "interval": group.get("interval"), "rules": rules})
    return out


def _sloth_output(folder: Path, template: str, name: str = "expected.yaml") -> Path:
    """One of Sloth's integration outputs (a Go template) as Sloth prints it."""
    text = (TESTDATA / template).read_text(encoding="utf-8")
    text = text.replace("{{ .version }}", "dev").replace('{{"{{', "{{").replace('}}"}}', "}}")
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _ours(specs, extra=None) -> list[dict]:
    return _normal(rule_groups(specs, extra)["groups"], peer=False)


EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.y*ml"))


def test_the_peer_files_are_all_here():
    assert len(EXAMPLE_FILES) == 18
    assert len(list(TESTDATA.glob("in-*.yaml"))) == 9


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_every_sloth_example_loads_and_generates_sloths_rules(name):
    specs = load_spec_file(EXAMPLES / name, CONTEXT)
    expected = _normal(_groups(GEN / name), peer=True)
    assert _ours(specs, {"cmd": "examplesgen.sh"}) == expected


@pytest.mark.parametrize(
    ("source", "expected", "context"),
    [
        ("in-base.yaml", "out-base.yaml.tpl", CONTEXT),
        ("in-base-k8s.yaml", "out-base-k8s.yaml.tpl", CONTEXT),
        ("in-multifile.yaml", "out-multifile.yaml.tpl", CONTEXT),
        ("in-multifile-k8s.yaml", "out-multifile-k8s.yaml.tpl", CONTEXT),
        ("in-openslo.yaml", "out-openslo.yaml.tpl", CONTEXT),
        ("in-sli-plugin.yaml", "out-sli-plugin.yaml.tpl", CONTEXT),
        (
            "in-base.yaml",
            "out-base-28d.yaml.tpl",
            LoadContext(sli_plugins=PLUGINS, default_window=timedelta(days=28)),
        ),
        (
            "in-base.yaml",
            "out-base-custom-windows-7d.yaml.tpl",
            LoadContext(
                windows=load_catalog([PEERS / "windows" / "7d.yaml"]),
                default_window=timedelta(days=7),
            ),
        ),
    ],
)
def test_sloths_integration_cases(tmp_path, source, expected, context):
    specs = load_spec_file(TESTDATA / source, context)
    assert _ours(specs) == _normal(_groups(_sloth_output(tmp_path, expected)), peer=True)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["-l", "exk1=exv1", "--extra-labels", "exk2=exv2"], "out-base-extra-labels.yaml.tpl"),
        (["--disable-alerts"], "out-base-no-alerts.yaml.tpl"),
        (["--disable-recordings"], "out-base-no-recordings.yaml.tpl"),
    ],
)
def test_slo_rules_takes_sloths_generate_flags(cli, tmp_path, flags, expected):
    cli.configure(f"slos:\n  - {TESTDATA / 'in-base.yaml'}\n")
    done = cli("slo", "rules", *flags)
    assert done.returncode == 0, done.stderr
    ours = tmp_path / "ours.yaml"
    ours.write_text(done.stdout, encoding="utf-8")
    sloths = _normal(_groups(_sloth_output(tmp_path, expected)), peer=True)
    assert _normal(_groups(ours), peer=False) == sloths


@pytest.mark.parametrize(
    ("flag", "problem"), [("team", "is not KEY=VALUE"), ("__name__=x", "Prometheus's own")]
)
def test_a_bad_extra_label_is_a_usage_error(cli, flag, problem):
    cli.configure(f"slos:\n  - {TESTDATA / 'in-base.yaml'}\n")
    done = cli("slo", "rules", "-l", flag)
    assert done.returncode == 2 and problem in done.stderr and not done.stdout


def test_the_invalid_version_and_sloths_go_plugin_are_refused_by_name():
    with pytest.raises(ConfigError, match=r"in-invalid-version.yaml:1: version: unsupported"):
        load_spec_file(TESTDATA / "in-invalid-version.yaml", CONTEXT)
    for name in sorted(GO_SLO_PLUGIN):
        with pytest.raises(ConfigError, match=r":\d+: .*chain\[0\]: unknown SLO plugin 'integ"):
            load_spec_file(TESTDATA / name, CONTEXT)


# Two of Sloth's validate/bad files load in sre-bot, on purpose: an alert with no name gets
# one (`ShopApiErrorBudgetBurn`, where Sloth refuses), and a 28-day OpenSLO window has
# Sloth's own 28-day alert windows (the file predates them).
LOADS_IN_SRE_BOT = {"bad-multi-k8s.yaml": "ErrorBudgetBurn", "bad-openslo.yaml": None}


def test_sloths_validation_files():
    """Sloth's validate/good files load; its bad ones are refused, each with its line."""
    good = sorted((TESTDATA / "validate" / "good").glob("*.yaml"))
    bad = sorted((TESTDATA / "validate" / "bad").glob("*.yaml"))
    assert len(good) == 7 and len(bad) == 7
    for path in good:
        assert load_spec_file(path, CONTEXT), path
    for path in bad:
        if path.name in LOADS_IN_SRE_BOT:
            specs = load_spec_file(path, CONTEXT)
            suffix = LOADS_IN_SRE_BOT[path.name]
            if suffix:
                names = {
                    r.get("alert", "") for g in rule_groups(specs)["groups"] for r in g["rules"]
                }
                assert any(n.endswith(suffix) for n in names)
            continue
        with pytest.raises(ConfigError, match=re.escape(str(path)) + r":\d+: "):
            load_spec_file(path, CONTEXT)


@pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed")
def test_promtool_accepts_the_rules_of_every_example(tmp_path):
    # Two examples are not Prometheus 2 rules, in Sloth's own output as in ours:
    # victoria-metrics.yml is MetricsQL (histogram_share), and contrib-slo-plugins.yml gives
    # info_labels names such as `plug-l1`, which only Prometheus 3's UTF-8 names allow.
    not_prometheus_2 = {
        "victoria-metrics.yml": "histogram_share(",
        "contrib-slo-plugins.yml": "plug-l1:",
    }
    for name, mark in not_prometheus_2.items():
        assert mark in (GEN / name).read_text(encoding="utf-8")
        assert mark in rules_yaml(load_spec_file(EXAMPLES / name, CONTEXT))
    # One rule file per example, as Sloth writes one per input (group names repeat across).
    # Linting is off: multifile.yml names two alerts alike, in Sloth's output too.
    files = []
    for name in EXAMPLE_FILES:
        if name not in not_prometheus_2:
            rules = tmp_path / name
            rules.write_text(rules_yaml(load_spec_file(EXAMPLES / name, CONTEXT)), "utf-8")
            files.append(str(rules))
    checked = subprocess.run(
        [PROMTOOL, "check", "rules", "--lint=none", *files],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    assert checked.stdout.count("SUCCESS") == len(files) == 16


# Steady burns of the 99.9% SLO slo1 of Sloth's in-base.yaml, in multiples of its budget, and
# a 5x burn that starts after six quiet hours. Which alerts fire 70 minutes in (7h1m for the
# late burn) follows from each period's windows: 30d 14.4/6 page and 3/1 ticket; 28d 13.44/5.6
# and 2.8/0.93; 7d 13.44/3.5 and 1.4/0.98 (a steady 5x pages only on a 7-day period).
BURNS = {"calm-0.5x": 0.5, "steady-5x": 5, "steady-15x": 15, "late-5x": 5}
FIRING = {
    "30d": {"calm-0.5x": [], "steady-5x": ["ticket"], "steady-15x": ["page", "ticket"]},
    "28d": {"calm-0.5x": [], "steady-5x": ["ticket"], "steady-15x": ["page", "ticket"]},
    "7d": {"calm-0.5x": [], "steady-5x": ["page", "ticket"], "steady-15x": ["page", "ticket"]},
}
PERIODS = {
    "30d": ("out-base.yaml.tpl", CONTEXT),
    "28d": (
        "out-base-28d.yaml.tpl",
        LoadContext(sli_plugins=PLUGINS, default_window=timedelta(days=28)),
    ),
    "7d": (
        "out-base-custom-windows-7d.yaml.tpl",
        LoadContext(
            windows=load_catalog([PEERS / "windows" / "7d.yaml"]), default_window=timedelta(days=7)
        ),
    ),
}


def _burn_test(name: str, burn: float, severities: list[str]) -> dict:
    minutes = 421 if name.startswith("late") else 70
    quiet = minutes - 60 if name.startswith("late") else 0
    errors = f"0x{quiet} {burn}+{burn}x59" if quiet else f"0+{burn}x{minutes}"
    series = 'http_request_duration_seconds_count{{job="myservice",code="{}"}}'
    extra = {"page": {"alert03k1": "alert03v1"}, "ticket": {"alert04k1": "alert04v1"}}
    alerts = [
        {
            "exp_labels": {
                "global01k1": "global01v1",
                "global02k1": "global02v1",
                "alert01k1": "alert01v1",
                "sloth_id": "svc01-slo1",
                "sloth_service": "svc01",
                "sloth_slo": "slo1",
                "sloth_severity": severity,
                **extra[severity],
            },
            "exp_annotations": {
                "alert02k1": "alert02k2",
                "title": f"({severity}) svc01 slo1 SLO error budget burn rate is too fast.",
                "summary": "svc01 slo1 SLO error budget burn rate is over expected.",
            },
        }
        for severity in severities
    ]
    return {
        "name": name,
        "interval": "1m",
        "input_series": [
            {"series": series.format("200"), "values": f"0+{1000 - burn}x{minutes}"},
            {"series": series.format("500"), "values": errors},
        ],
        "alert_rule_test": [
            {"eval_time": f"{minutes}m", "alertname": "myServiceAlert", "exp_alerts": alerts}
        ],
    }


@pytest.mark.parametrize("period", PERIODS)
def test_sloths_rules_and_ours_fire_the_same_alerts_on_the_same_series(tmp_path, period):
    expected, context = PERIODS[period]
    _sloth_output(tmp_path, expected, "sloth.yml")
    ours = rules_yaml(load_spec_file(TESTDATA / "in-base.yaml", context))
    (tmp_path / "ours.yml").write_text(ours, encoding="utf-8")
    firing = FIRING[period] | {"late-5x": []}  # Sloth stays quiet an hour into a 5x burn
    tests = [_burn_test(name, BURNS[name], firing[name]) for name in BURNS]
    for rules in ("sloth.yml", "ours.yml"):
        spec = {"rule_files": [rules], "evaluation_interval": "1m", "tests": tests}
        (tmp_path / "test.yml").write_text(yaml.safe_dump(spec, sort_keys=False), "utf-8")
        result = subprocess.run(
            [PROMTOOL, "test", "rules", "test.yml"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert result.returncode == 0, f"{rules}: {result.stdout[-3000:]}{result.stderr[-2000:]}"
