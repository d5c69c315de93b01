from pathlib import Path

import pytest

from commands.config import Config, ConfigError, expand_env, find_config_path, load_config

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
