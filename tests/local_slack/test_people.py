"""The people, groups and channels a configuration names exist in the local workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.local_slack.people import create_named, named_by, readable_name
from bot.local_slack.workspace import Workspace
from commands.config import load_config
from commands.runbooks.files import load_folder
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "sre-bot.yml"


@pytest.mark.parametrize(
    ("object_id", "name"),
    [
        ("U0123KIM", "kim"),
        ("U0SRELEAD", "srelead"),
        ("S0SREONCALL", "sreoncall"),
        ("W12AB", "ab"),
        ("U0123", "u0123"),
    ],
)
def test_readable_names(object_id: str, name: str) -> None:
    assert readable_name(object_id) == name


def test_the_example_configuration_names_its_people_groups_and_channels() -> None:
    config = load_config(EXAMPLE)
    approvers = [
        a
        for loaded in load_folder(ROOT / "examples" / "runbooks").runbooks.values()
        for a in loaded.runbook.approvers
    ]
    named = named_by(config, approvers)
    assert named.people == ["U0123KIM", "U0456PARK", "U0789LEE", "U0SRELEAD", "U0MLLEAD"]
    assert named.groups == ["S0SREONCALL"]
    assert named.rotation == ["U0123KIM", "U0456PARK", "U0789LEE"]
    assert set(named.channels) >= {"incidents", "alerts", "sre", "llm-alerts"}

    ws = Workspace(channels=(), clock=lambda: 0.0)
    create_named(ws, named)
    assert ws.user("srelead", create=False).id == "U0SRELEAD"
    assert ws.user("kim", create=False).id == "U0123KIM"
    assert ws.usergroup_members("S0SREONCALL") == named.rotation
    assert ws.usergroup_by_handle("sreoncall") == "S0SREONCALL"
    assert ws.channel("llm-alerts", create=False) is not None


def test_existing_people_and_groups_are_left_as_they_are(tmp_path: Path) -> None:
    ws = Workspace(channels=(), clock=lambda: 0.0)
    ws.ensure_user("U0SRELEAD", "boss")
    ws.set_usergroup("S0SREONCALL", ["U0SRELEAD"], handle="oncall-team")
    ws.user("kim")  # someone who took the readable name first keeps it
    config = load_config(EXAMPLE)
    create_named(ws, named_by(config, ["U0SRELEAD", "S0SREONCALL"]))
    assert ws.user("U0SRELEAD", create=False).name == "boss"
    assert ws.usergroup_members("S0SREONCALL") == ["U0SRELEAD"]
    assert ws.user("U0123KIM", create=False).name == "kim2"
