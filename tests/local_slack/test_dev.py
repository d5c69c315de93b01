"""`make run` on a machine with no Slack credentials: the local Slack in a terminal."""

import os

import httpx
import pytest

from tests.conftest import ROOT, free_port
from tests.terminal import start_make_run

pytestmark = pytest.mark.slow


def test_make_run_serves_health_and_plays_slack_in_the_terminal(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "SRE_BOT_", "DATABASE_", "MAKE", "MFLAGS"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'dev.db'}"
    terminal = start_make_run(ROOT, env, port)
    try:
        terminal.expect("built-in local Slack", timeout=120)
        terminal.expect("Type /command")
        assert httpx.get(f"http://127.0.0.1:{port}/health/live").json() == {"status": "ok"}

        terminal.type("/incident create sev2 Qwen LLM failure")
        created = terminal.expect("INC-")
        incident_id = "INC-" + created.split("INC-")[1].split()[0]
        terminal.expect(f"== {incident_id} · Qwen LLM failure ==")
        buttons = terminal.expect("[1]")
        assert "[2]" in buttons and "[3]" in buttons
        terminal.expect("↳ thread of")

        terminal.type("1")  # Acknowledge
        terminal.expect(f"{incident_id}")
        terminal.expect("(edited)")

        terminal.type("/incident bogus")
        terminal.expect("bogus")
    finally:
        terminal.stop()
