"""`sre-bot runbook` as a user runs it: a subprocess on a real database and the fake service."""

import signal
import subprocess
import threading
from datetime import timedelta

import pytest

from commands.clock import FakeClock
from commands.config import load_config
from commands.context import Context
from commands.errors import CommandError
from commands.runbooks import approvals, engine, runs
from storage.db import Database
from tests.conftest import ROOT, free_port, poll_until
from tests.factories import BREAKER_FIRST
from tests.fakes.service import FakeService


@pytest.fixture
def service():
    with FakeService() as fake:
        yield fake


@pytest.fixture
def runbook_cli(cli, service, live_clock):
    cli.configure(
        f"runbooks: {ROOT / 'examples' / 'runbooks'}\n"
        f"prometheus:\n  url: http://127.0.0.1:{free_port()}\n"
    )

    def start(*args: str) -> subprocess.Popen:
        return cli.start("runbook", *args, env={"SERVICE_URL": service.url})

    def ctx() -> Context:
        return Context(Database(cli.database_url), load_config(cli.config_path), live_clock)

    start.ctx = ctx
    return start


def _finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def test_list_and_dry_run_touch_nothing(runbook_cli, service, tmp_path):
    cli = runbook_cli
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


def test_approval_runbook_waits_for_slack_and_runs_once_approved(runbook_cli, service):
    cli = runbook_cli
    process = cli("run", "rl_reward_runaway_rollback", "--by", "U0ALICE")
    ctx = poll_until(lambda: _ctx_with_run(cli), timeout=30)
    [run] = runs.recent_runs(ctx)
    assert run.state == "awaiting_approval" and service.requests == []
    assert approvals.decide(ctx, run.id, -1, "U0SRELEAD", approve=True).won
    code, out, err = _finish(process)
    assert code == 0, out + err
    assert "waits for approval in Slack" in out
    assert "Step 2 (Roll back to the last good checkpoint) succeeded." in out
    assert out.strip().splitlines()[-1] == f"Run #{run.id} of rl_reward_runaway_rollback: Succeeded"
    assert len(service.calls("POST", "/admin/rl/rollback")) == 1


def test_a_requester_who_is_not_a_slack_user_cannot_start_an_approval_runbook(
    runbook_cli, tmp_path
):
    code, _, err = _finish(runbook_cli("run", "rl_reward_runaway_rollback", "--by", "srelead"))
    assert code == 2
    assert "cannot tell which Slack user 'srelead' is" in err and "cli_users" in err
    assert not (tmp_path / "cli.db").exists() or runs.recent_runs(runbook_cli.ctx()) == []


def test_a_cli_requester_is_their_slack_id_and_cannot_approve_their_own_run(
    cli, runbook_cli, service
):
    """The two-person rule held only for Slack users: `--by srelead` was stored as text, so
    U0SRELEAD could then approve the run they had asked for."""
    cli.configure(cli.config_path.read_text() + "cli_users:\n  srelead: U0SRELEAD\n")
    process = runbook_cli("run", "rl_reward_runaway_rollback", "--by", "srelead")
    ctx = poll_until(lambda: _ctx_with_run(runbook_cli), timeout=30)
    [run] = runs.recent_runs(ctx)
    assert run.requested_by == "U0SRELEAD"
    with pytest.raises(CommandError) as refused:
        approvals.decide(ctx, run.id, -1, "U0SRELEAD", approve=True)
    assert refused.value.key == "runbook.two_person"
    assert approvals.decide(ctx, run.id, -1, "U0MLLEAD", approve=True).won
    code, out, err = _finish(process)
    assert code == 0, out + err


def test_an_email_is_looked_up_in_slack(cli, runbook_cli, slack):
    lead = slack.workspace.add_user("srelead")
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.api_url}
    process = cli.start(
        "runbook", "run", "rl_reward_runaway_rollback", "--by", "srelead@sre-bot.local", env=env
    )
    ctx = poll_until(lambda: _ctx_with_run(runbook_cli), timeout=30)
    [run] = runs.recent_runs(ctx)
    assert run.requested_by == lead.id
    process.kill()
    process.communicate(timeout=30)
    assert [c.params["email"] for c in slack.ok_calls("users.lookupByEmail")] == [
        "srelead@sre-bot.local"
    ]
    code, _, err = _finish(
        cli.start(
            "runbook", "run", "rl_reward_runaway_rollback", "--by", "nobody@sre-bot.local", env=env
        )
    )
    assert code == 2 and "Slack has no user 'nobody@sre-bot.local'" in err


def test_ctrl_c_leaves_the_request_pending_with_a_clear_note(runbook_cli, service):
    cli = runbook_cli
    process = cli("run", "rl_reward_runaway_rollback", "--by", "U0ALICE")
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
    [run] = runs.recent_runs(ctx)
    assert run.state == "awaiting_approval" and service.requests == []


def _ctx_with_run(cli):
    try:
        ctx = cli.ctx()
        return ctx if runs.recent_runs(ctx) else None
    except Exception:
        return None


def test_kill_9_mid_post_leaves_the_run_interrupted_and_the_post_not_repeated(
    cli, service, monkeypatch, now
):
    """A real SIGKILL of `sre-bot runbook run` while its POST is in flight: the next sweep,
    once the dead process's claim has run out, marks the run interrupted at that step and
    sends nothing again until a person presses Resume."""
    folder = cli.folder / "runbooks"
    folder.mkdir()
    (folder / "breaker_first.yml").write_text(BREAKER_FIRST, encoding="utf-8")
    cli.configure(f"runbooks: {folder}\n")
    held = service.stall("/admin/circuit-breaker/qwen/open")
    process = cli.start("runbook", "run", "breaker_first", env={"SERVICE_URL": service.url})
    try:
        poll_until(lambda: service.calls("POST"), timeout=30)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    held.set()
    process.stdout.close()
    process.stderr.close()

    monkeypatch.setenv("SERVICE_URL", service.url)  # the surviving replica's environment
    later = FakeClock(now + timedelta(minutes=5))  # the claim has run out
    ctx = Context(Database(cli.database_url), load_config(cli.config_path), later)
    for _ in range(3):
        engine.sweep(ctx, "survivor")
    [run] = runs.recent_runs(ctx)
    assert (run.state, run.step_index) == ("interrupted", 0)
    assert len(service.calls("POST")) == 1
    approvals.resume(ctx, run.id, "U0SRELEAD")
    for _ in range(3):
        engine.sweep(ctx, "survivor")
    assert runs.get_run(ctx, run.id).run.state == "succeeded"
    assert len(service.calls("POST")) == 2  # once before the crash, once on Resume
