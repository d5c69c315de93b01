"""`sre-bot init`: a configuration that works wherever it is written, every feature on."""

import subprocess
import sys

import pytest

from commands.config import load_config
from commands.errors import ConfigError
from commands.runbooks.files import load_folder
from commands.slo.loading import load_slos
from commands.starter import EXAMPLES, starter_config, write_starter
from tests.conftest import ROOT


def test_the_starter_loads_from_its_folder_with_every_feature_on(tmp_path):
    result = write_starter(tmp_path / "team", locale="en", timezone="Europe/Berlin")
    config = load_config(result.config)
    assert (config.slack.locale, config.slack.timezone) == ("en", "Europe/Berlin")
    assert [s.name for s in load_slos(config)] == [
        "api-availability",
        "llm-fast-latency",
        "llm-balanced-latency",
        "llm-creative-latency",
        "rl-reward-stability",
    ]
    folder = config.resolve_path(config.runbooks.folder)
    assert sorted(load_folder(folder).runbooks) == [
        "api_high_latency_scaleup",
        "qwen_failure_downshift",
        "rl_reward_runaway_rollback",
    ]
    assert config.oncall.members and config.health  # on-call and the health watch are on
    # The comments stay: the file explains itself.
    assert "# Where new incidents are announced." in result.config.read_text(encoding="utf-8")


def test_a_bare_copy_of_the_example_misses_its_files_and_its_header_says_so(tmp_path):
    copy = tmp_path / "sre-bot.yml"
    copy.write_text((EXAMPLES / "sre-bot.yml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"sre-bot.yml:\d+: .*no such (SLO spec file|alert windows file|folder)"
    ):
        load_slos(load_config(copy))
    assert "`sre-bot init" in (EXAMPLES / "sre-bot.yml").read_text(encoding="utf-8")[:600]


def test_nothing_there_is_overwritten_and_what_was_kept_is_said(tmp_path):
    (tmp_path / "runbooks").mkdir()
    mine = tmp_path / "runbooks" / "qwen_failure_downshift.yml"
    mine.write_text("name: mine\n", encoding="utf-8")
    first = write_starter(tmp_path, locale="en", timezone="UTC")
    assert mine.read_text(encoding="utf-8") == "name: mine\n" and first.kept == [mine]
    again = write_starter(tmp_path, locale="ko", timezone="Asia/Seoul")
    assert again.written == [] and first.config in again.kept
    assert load_config(first.config).slack.locale == "en"  # the second run changed nothing


@pytest.mark.parametrize(
    ("locale", "zone", "problem"),
    [("fr", "UTC", "--locale: 'fr' is not one of en, ko"), ("en", "Seoul", "--timezone: 'Seoul'")],
)
def test_a_bad_locale_or_zone_writes_nothing(tmp_path, locale, zone, problem):
    with pytest.raises(ConfigError, match=problem):
        write_starter(tmp_path / "x", locale=locale, timezone=zone)
    assert not (tmp_path / "x").exists()
    with pytest.raises(ConfigError):
        starter_config(locale, zone)


def test_the_cli_says_what_it_wrote(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "init", "--locale", "en", "--dir", str(tmp_path / "t")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert f"wrote {tmp_path / 't' / 'sre-bot.yml'}" in done.stdout
    assert f"wrote {tmp_path / 't' / 'windows' / '7d.yaml'}" in done.stdout
    assert "locale en, timezone Asia/Seoul, every feature on" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "init", "--timezone", "Nowhere", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and "not an IANA time zone" in bad.stderr
