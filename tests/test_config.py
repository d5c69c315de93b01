from pathlib import Path

import pytest

from commands.config import Config, find_config_path, load_config
from commands.errors import ConfigError
from commands.yaml_lines import expand_env

ROOT = Path(__file__).resolve().parent.parent


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sre-bot.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_follow_the_guide():
    config = Config()
    assert [config.response_minutes(s) for s in ("Sev1", "Sev2", "Sev3", "Sev4")] == [
        15,
        30,
        60,
        240,
    ]
    assert [config.postmortem_required(s) for s in ("Sev1", "Sev2", "Sev3", "Sev4")] == [
        True,
        True,
        False,
        False,
    ]


def test_example_config_loads():
    config = load_config(ROOT / "examples" / "sre-bot.yml")
    assert config.slack.timezone == "Asia/Seoul"
    assert config.slack.locale == "ko"


def test_unknown_key_names_file_line_and_key(tmp_path):
    path = _write(tmp_path, "slack:\n  timezone: UTC\n  incident_chanel: '#inc'\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert f"{path}:3: slack.incident_chanel: unknown key" in message
    assert "incident_channel" in message  # the known keys are listed


def test_a_key_given_twice_names_both_lines(tmp_path):
    path = _write(
        tmp_path, "slack:\n  digest_channel: '#sre'\n  locale: en\n  digest_channel: '#x'\n"
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert f"{path}:4: slack.digest_channel: given twice (first on line 2)" in str(raised.value)


def test_unknown_top_level_key(tmp_path):
    path = _write(tmp_path, "slak: {}\n")
    with pytest.raises(ConfigError, match=r"sre-bot.yml:1: slak: unknown key"):
        load_config(path)


def test_bad_timezone_and_locale(tmp_path):
    path = _write(tmp_path, "slack:\n  timezone: Mars/Olympus\n  locale: fr\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert ":2: slack.timezone: unknown timezone 'Mars/Olympus'" in str(raised.value)
    assert ":3: slack.locale:" in str(raised.value)


def test_severity_override_keeps_other_defaults(tmp_path):
    path = _write(tmp_path, "severities:\n  Sev3:\n    response_minutes: 45\n")
    config = load_config(path)
    assert config.response_minutes("Sev3") == 45
    assert config.response_minutes("Sev1") == 15


def test_unknown_severity_level(tmp_path):
    path = _write(tmp_path, "severities:\n  Sev5:\n    response_minutes: 1\n")
    with pytest.raises(ConfigError, match="unknown severity 'Sev5'"):
        load_config(path)


def test_env_expansion(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_CHANNEL", "C0123")
    monkeypatch.delenv("PROM", raising=False)
    path = _write(
        tmp_path,
        "slack:\n  incident_channel: ${INCIDENT_CHANNEL}\nprometheus:\n  url: ${PROM:-http://prom:9090}\n",
    )
    config = load_config(path)
    assert config.slack.incident_channel == "C0123"
    assert config.prometheus.url == "http://prom:9090"


def test_missing_env_variable_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("NOPE", raising=False)
    path = _write(tmp_path, "slack:\n  alert_channel: ${NOPE}\n")
    with pytest.raises(
        ConfigError, match=r":2: slack.alert_channel: environment variable NOPE is not set"
    ):
        load_config(path)


def test_expand_env_dollar_escape():
    assert expand_env("cost $$5 ${X:-y}", {}) == "cost $5 y"


def test_invalid_yaml_names_the_line(tmp_path):
    path = _write(tmp_path, "slack:\n  timezone: [unclosed\n")
    with pytest.raises(ConfigError, match=r"sre-bot.yml:\d+: not valid YAML"):
        load_config(path)


def test_config_search_order(tmp_path):
    assert find_config_path(None, cwd=tmp_path) is None
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "sre-bot.yml").write_text("{}")
    assert find_config_path(None, cwd=tmp_path) == tmp_path / "examples" / "sre-bot.yml"
    (tmp_path / "sre-bot.yml").write_text("{}")
    assert find_config_path(None, cwd=tmp_path) == tmp_path / "sre-bot.yml"
    assert find_config_path("/etc/x.yml", cwd=tmp_path) == Path("/etc/x.yml")


def test_health_and_runbook_files_read_a_healthy_answer_the_same_way(tmp_path):
    """One `expect` for both: a status or a list of them, and JSON conditions."""
    from commands.runbooks.spec import parse_runbook

    path = tmp_path / "sre-bot.yml"
    path.write_text(
        "health:\n  qwen:\n    url: http://qwen/health\n"
        "    expect:\n      status: [200, 204]\n      json: status == healthy\n",
        encoding="utf-8",
    )
    [target] = load_config(path).health
    assert (target.expect.status, target.expect.json_) == ([200, 204], ["status == healthy"])
    path.write_text(
        "health:\n  qwen:\n    url: http://qwen/health\n    expect:\n      status: 700\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert "health.0.expect.status: 700 is not an HTTP status (100-599)" in str(raised.value)
    step = {"kind": "http", "url": "http://svc/x", "expect": {"status": 201, "json": "ok == true"}}
    spec = {"name": "x", "description": "x", "automation": "auto", "steps": [step]}
    assert parse_runbook(spec).steps[0].expect.status == [201]
