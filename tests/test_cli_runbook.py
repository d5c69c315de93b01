"""`sre-bot runbook` as a user runs it: a subprocess on a real database and the fake service."""

import os
import signal
import subprocess
import sys
import threading

import pytest

from commands import runbooks
from commands.clock import SystemClock
from commands.config import load_config
from commands.context import Context
from storage.db import Database
from tests.conftest import ROOT, free_port, poll_until
from tests.fakes.service import FakeService


@pytest.fixture
def service():
    with FakeService() as fake:
        yield fake


@pytest.fixture
def cli(tmp_path, service):
    config = tmp_path / "sre-bot.yml"
    config.write_text(
        f"runbooks: {ROOT / 'examples' / 'runbooks'}\n"
        f"prometheus:\n  url: http://127.0.0.1:{free_port()}\n",
        encoding="utf-8",
    )
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "SRE_BOT_", "DATABASE_"))
        },
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SRE_BOT_CONFIG": str(config),
        "SERVICE_URL": service.url,
        "USER": "kim",
    }

    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "runbook", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def ctx() -> Context:
        return Context(Database(env["DATABASE_URL"]), load_config(config), SystemClock())

    start.ctx = ctx
    return start


def _finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def test_list_and_dry_run_touch_nothing(cli, service, tmp_path):
    code, out, err = _finish(cli("list"))
    assert code == 0, err
    assert "qwen_failure_downshift (automatic, 6 steps)" in out
    assert "rl_reward_runaway_rollback (needs approval, 6 steps)" in out
    code, out, err = _finish(cli("run", "qwen_failure_downshift", "--dry-run"))
    assert code == 0, err
    assert out.splitlines()[0] == "Dry run of qwen_failure_downshift: nothing was performed."
    assert f"POST {service.url}/admin/circuit-breaker/qwen/open" in out
    assert service.requests == []
    assert not (tmp_path / "cli.db").exists()  # a dry run needs no database
    code, _, err = _finish(cli("run", "no_such_runbook"))
    assert code == 2 and "There is no runbook" in err


def test_approval_runbook_waits_for_slack_and_runs_once_approved(cli, service):
    process = cli("run", "rl_reward_runaway_rollback", "--by", "U0ALICE")
    ctx = poll_until(lambda: _ctx_with_run(cli), timeout=30)
    [run] = runbooks.recent_runs(ctx)
    assert run.state == "awaiting_approval" and service.requests == []
    assert runbooks.decide(ctx, run.id, -1, "U0SRELEAD", approve=True).won
    code, out, err = _finish(process)
    assert code == 0, out + err
    assert "waits for approval in Slack" in out
    assert "Step 2 (Roll back to the last good checkpoint) succeeded." in out
    assert out.strip().splitlines()[-1] == f"Run #{run.id} of rl_reward_runaway_rollback: Succeeded"
    assert len(service.calls("POST", "/admin/rl/rollback")) == 1


def test_ctrl_c_leaves_the_request_pending_with_a_clear_note(cli, service):
    process = cli("run", "rl_reward_runaway_rollback")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    poll_until(lambda: any("waits for approval in Slack" in line for line in lines), timeout=30)
    ctx = cli.ctx()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
    reader.join(10)
    process.stdout.close()
    process.stderr.close()
    assert "stays pending in Slack" in "".join(lines)
    [run] = runbooks.recent_runs(ctx)
    assert run.state == "awaiting_approval" and service.requests == []


def _ctx_with_run(cli):
    try:
        ctx = cli.ctx()
        return ctx if runbooks.recent_runs(ctx) else None
    except Exception:
        return None


BREAKER_FIRST = """
name: breaker_first
description: Opens the breaker, then says so.
automation: auto
steps:
  - name: Open the Qwen circuit breaker
    kind: http
    method: POST
    url: ${SERVICE_URL}/admin/circuit-breaker/qwen/open
  - kind: notify
    text: breaker open
"""


def test_kill_9_mid_post_leaves_the_run_interrupted_and_the_post_not_repeated(
    tmp_path, service, monkeypatch
):
    """A real SIGKILL of `sre-bot runbook run` while its POST is in flight: the next sweep,
    once the dead process's claim has run out, marks the run interrupted at that step and
    sends nothing again until a person presses Resume."""
    from datetime import timedelta

    from commands.clock import FakeClock

    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "breaker_first.yml").write_text(BREAKER_FIRST, encoding="utf-8")
    config = tmp_path / "sre-bot.yml"
    config.write_text(f"runbooks: {folder}\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRE_BOT_"))},
        "DATABASE_URL": url,
        "SRE_BOT_CONFIG": str(config),
        "SERVICE_URL": service.url,
    }
    held = service.stall("/admin/circuit-breaker/qwen/open")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "runbook", "run", "breaker_first"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        poll_until(lambda: service.calls("POST"), timeout=30)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    held.set()

    monkeypatch.setenv("SERVICE_URL", service.url)  # the surviving replica's environment
    later = FakeClock(SystemClock().now() + timedelta(minutes=5))  # the claim has run out
    ctx = Context(Database(url), load_config(config), later)
    for _ in range(3):
        runbooks.sweep(ctx, "survivor")
    [run] = runbooks.recent_runs(ctx)
    assert (run.state, run.step_index) == ("interrupted", 0)
    assert len(service.calls("POST")) == 1
    runbooks.resume(ctx, run.id, "U0SRELEAD")
    for _ in range(3):
        runbooks.sweep(ctx, "survivor")
    assert runbooks.get_run(ctx, run.id).run.state == "succeeded"
    assert len(service.calls("POST")) == 2  # once before the crash, once on Resume
