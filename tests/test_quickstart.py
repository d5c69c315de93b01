"""The README's quick start, on a clean clone of the repository, as a newcomer follows it:
`make run`, `sre-bot init --locale en`, `make run` again, and then every feature from the
terminal. Each answer shows its feature working, or says plainly what is missing (here there
is no Prometheus and no watched service). A restart keeps the workspace.

The clone shares this checkout's `.venv` (made by `make test`), so it starts in seconds; what
it reads (the config, the example files, the database) is the clone's own."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, RunningClock, free_port
from tests.terminal import Terminal, start_make_run

pytestmark = pytest.mark.slow


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    folder = tmp_path / "sre-bot"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    # The clone's files are newer than the shared venv's stamp: make would reinstall.
    os.utime(folder / "pyproject.toml", (0, 0))
    return folder


def _environment(clock: RunningClock) -> dict[str, str]:
    inherited = ("SLACK_", "SRE_BOT_", "DATABASE_", "PROMETHEUS_", "SERVICE_", "MAKE", "MFLAGS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    env.update(
        SRE_BOT_NOW=clock.now().isoformat(),
        PROMETHEUS_URL=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        SERVICE_URL=f"http://127.0.0.1:{free_port()}",
        USER="newcomer",
    )
    return env


def _incident_id(line: str) -> str:
    found = re.search(r"INC-\d{8}-\d{6}", line)
    assert found, line
    return found.group(0)


def _button(line: str, label: str) -> str:
    found = re.search(r"\[(\d+)\] " + re.escape(label), line)
    assert found, f"no [N] {label} in {line!r}"
    return found.group(1)


def test_the_readme_quick_start_reaches_every_feature(clone: Path, live_clock: RunningClock):
    env = _environment(live_clock)
    port = free_port()

    first = start_make_run(clone, env, port)
    try:
        first.expect("built-in local Slack", timeout=120)
        first.expect("Type /command")
        first.type("/incident help")
        first.expect("인시던트")  # the example configuration speaks Korean
        first.type("quit")
        first.expect("bye")
    finally:
        first.stop()

    init = subprocess.run(
        [".venv/bin/sre-bot", "init", "--locale", "en"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    assert "sre-bot.yml" in init.stdout
    assert (clone / "runbooks" / "rl_reward_runaway_rollback.yml").exists()

    terminal = start_make_run(clone, env, port)
    try:
        terminal.expect("built-in local Slack", timeout=120)
        terminal.expect("/local/")
        terminal.expect("Type /command")
        _every_feature(terminal)
        terminal.type("quit")
        terminal.expect("bye")
    finally:
        terminal.stop()

    again = start_make_run(clone, env, port)
    try:
        again.expect("(restored)", timeout=120)
        again.type("history")
        again.expect("Qwen LLM failure")  # yesterday's announcement is still there
        again.type("quit")
        again.expect("bye")
    finally:
        again.stop()


def _every_feature(terminal: Terminal) -> None:
    terminal.type("/oncall")
    terminal.expect("On call now: @")  # the configured members, by name

    terminal.type("/runbook list")
    terminal.expect("Runbooks (3)")
    terminal.expect("rl_reward_runaway_rollback")

    terminal.type("/runbook run rl_reward_runaway_rollback")
    # At once: the first run's shutdown let go of the outbox (a cut-short one held it ~30 s).
    *_, approve_line = terminal.expect_each(
        "waits for an approver",
        "Needs approval by @srelead @mllead @sreoncall",
        "] Approve",
        timeout=10,
    )
    approve = _button(approve_line, "Approve")
    terminal.type("as srelead")
    terminal.expect("you are now @srelead (U0SRELEAD)")
    terminal.type(approve)
    terminal.expect("Approved by @srelead")
    # Its first step calls the service, which is not running here: said, not hidden.
    terminal.expect("Pause RL training", timeout=60)

    terminal.type("/slo")
    terminal.expect("Prometheus at http://127.0.0.1:")
    terminal.type("/health")
    terminal.expect("Health of watched targets (2)")

    terminal.type("as newcomer")
    terminal.type("/incident create sev2 Qwen LLM failure")
    created, announced = terminal.expect_each("Incident Created: INC-", "] Acknowledge")
    incident_id = _incident_id(created)
    acknowledge = _button(announced, "Acknowledge")
    terminal.type(acknowledge)
    terminal.expect(f"You acknowledged {incident_id}")
    terminal.type(f"/incident status {incident_id} investigating Checking Qwen health")
    terminal.expect(f"{incident_id} is now Investigating")
    terminal.type(f"/incident resolve {incident_id}")
    terminal.expect(f"{incident_id} is now Resolved")
    terminal.type(f"/incident close {incident_id}")
    # The answer, and the draft in the thread.
    terminal.expect_each(f"{incident_id} is closed. A postmortem is required", "## Timeline")
