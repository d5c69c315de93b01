"""Every YAML block of the README is what it says it is: a reader copies them as they are."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from commands.config import Config, load_config
from commands.runbooks.files import load_file
from tests.conftest import ROOT

README = ROOT / "README.md"
_BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def _blocks() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1)) for m in _BLOCK.finditer(text)]


def _kind(data: object) -> str:
    """What a block is, from its top-level keys; anything unknown fails the test."""
    keys = set(data) if isinstance(data, dict) else set()
    if keys and keys <= set(Config.model_fields):
        return "sre-bot.yml"
    if {"name", "steps"} <= keys:
        return "runbook"
    if {"route", "receivers"} <= keys:
        return "alertmanager"
    if {"apiVersion", "contactPoints"} <= keys:
        return "grafana-provisioning"
    if keys == {"jobs"}:
        return "github-actions"
    if keys == {"containers"}:
        return "kubernetes-pod-spec"
    return "unknown"


BLOCKS = _blocks()


def test_the_readme_has_its_yaml_blocks():
    kinds = [_kind(yaml.safe_load(text)) for _, text in BLOCKS]
    assert kinds.count("sre-bot.yml") >= 6 and "unknown" not in kinds, kinds
    assert {"runbook", "alertmanager"} <= set(kinds)


@pytest.mark.parametrize(("line", "text"), BLOCKS, ids=[f"README.md:{n}" for n, _ in BLOCKS])
def test_each_yaml_block_loads_as_what_it_is(monkeypatch, tmp_path: Path, line: int, text: str):
    for secret in re.findall(r"\$\{([A-Z_][A-Z0-9_]*)\}", text):  # no default: a secret
        monkeypatch.setenv(secret, "set-by-the-test")
    kind = _kind(yaml.safe_load(text))
    path = tmp_path / ("sre-bot.yml" if kind == "sre-bot.yml" else "block.yml")
    path.write_text(text, encoding="utf-8")
    if kind == "sre-bot.yml":
        load_config(path)  # the same reader as the bot's: unknown keys, keys given twice
    elif kind == "runbook":
        assert load_file(path, allow_commands=False).runbook.steps
    elif kind == "alertmanager":
        amtool = shutil.which("amtool")
        assert amtool, "amtool comes with the prometheus-alertmanager package"
        checked = subprocess.run(
            [amtool, "check-config", str(path)], capture_output=True, text=True, timeout=30
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    else:
        assert kind != "unknown", f"README.md:{line}: a YAML block of an unknown kind"
