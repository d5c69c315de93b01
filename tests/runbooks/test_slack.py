"""Runbooks through Slack end to end: signed commands and button presses in, the fake
Slack's calls and the fake service's requests out."""

import json
import logging
import time

import pytest
from sqlmodel import SQLModel

from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.runbooks import runs
from tests.conftest import poll_until
from tests.factories import block_action, runbook_config

LEAD, ML_LEAD = "U0SRELEAD", "U0MLLEAD"


@pytest.fixture
def bot(start_service, clock, service):
    config = runbook_config()
    config = config.model_copy(
        update={"runbooks": config.runbooks.model_copy(update={"sweep_seconds": 0.1})}
    )
    return start_service(config_override=config, clock=clock)


def _channel_id(slack, name="incidents") -> str:
    return slack.workspace.channel(name).id


def _answer_text(slack, before: int) -> str:
    calls = poll_until(lambda: slack.ok_calls("response_url")[before:] or None)
    return calls[0].params.get("text", "")


def _buttons(message) -> list[str]:
    return [
        e["text"]["text"]
        for b in (message.blocks or [])
        if b.get("type") == "actions"
        for e in b["elements"]
    ]


def _run_message(slack, run_id):
    def find():
        for m in slack.messages("incidents"):
            if f"run #{run_id}" in (m.text or ""):
                return m
        return None

    return poll_until(find)


def _press_and_answer(bot, slack, action_id, value, user) -> str:
    before = len(slack.ok_calls("response_url"))
    payload = block_action(
        action_id,
        value,
        user,
        slack.response_url(f"{user}-{time.monotonic_ns()}"),
        block_id="runbook_actions",
        channel=_channel_id(slack),
    )
    assert bot.interact(payload).status_code == 200
    return _answer_text(slack, before)


def test_list_and_dry_run_answer_ephemerally_and_touch_nothing(bot, slack, service):
    listed = bot.command("list", command="/runbook").json()
    assert listed["response_type"] == "ephemeral"
    text = json.dumps(listed["blocks"])
    assert "qwen_failure_downshift" in text and "needs approval" in text
    dry = bot.command("run qwen_failure_downshift --dry-run", command="/runbook").json()
    assert dry["text"] == "Dry run of qwen_failure_downshift: nothing was performed."
    assert "/admin/circuit-breaker/qwen/open" in json.dumps(dry["blocks"])
    bad = bot.command("run qwen; rm -rf /", command="/runbook").json()
    assert "/runbook list" in bad["text"]
    unknown = bot.command("run nope", command="/runbook").json()
    assert "There is no runbook `nope`" in unknown["text"]
    bot.settle()  # any (wrong) background work would have shown itself
    assert service.requests == []
    assert runs.recent_runs(bot.ctx) == []


def test_approval_runbook_waits_for_an_approver_button(bot, slack, service, clock):
    answer = bot.command(
        "run rl_reward_runaway_rollback",
        command="/runbook",
        user="U0ALICE",
        channel=_channel_id(slack),
    ).json()
    assert "waits for an approver" in answer["text"]
    [run] = runs.recent_runs(bot.ctx)
    message = _run_message(slack, run.id)
    assert _buttons(message) == ["Approve", "Reject"]
    assert "<@U0SRELEAD>" in json.dumps(message.blocks)
    value = json.dumps({"run": run.id, "gate": -1})

    refused = _press_and_answer(bot, slack, "runbook_approve", value, "U0STRANGER")
    assert "Only the approvers" in refused
    bot.settle()
    assert service.requests == []

    approved = _press_and_answer(bot, slack, "runbook_approve", value, LEAD)
    assert approved.startswith("You approved run")
    poll_until(lambda: runs.get_run(bot.ctx, run.id).run.state == "succeeded")
    assert [r.path for r in service.calls("POST")] == [
        "/admin/rl/training/pause",
        "/admin/rl/rollback",
        "/admin/rl/training/resume",
    ]
    late = _press_and_answer(bot, slack, "runbook_approve", value, ML_LEAD)
    assert f"<@{LEAD}>" in late and "already decided" in late
    # the run message was updated in place: no buttons, every step done
    poll_until(lambda: "Succeeded" in json.dumps(_run_message(slack, run.id).blocks))
    final = _run_message(slack, run.id)
    assert _buttons(final) == []
    thread = slack.thread("incidents", final.ts)
    texts = [m.text for m in thread[1:]]
    assert any("approved run" in t for t in texts)
    assert any("Step 2 (Roll back to the last good checkpoint) succeeded" in t for t in texts)
    assert len(incidents.list_incidents(bot.ctx)) == 1


def test_reject_button_means_no_request_ever(bot, slack, service, clock):
    bot.command("run rl_reward_runaway_rollback", command="/runbook", channel=_channel_id(slack))
    [run] = runs.recent_runs(bot.ctx)
    value = json.dumps({"run": run.id, "gate": -1})
    assert "You rejected" in _press_and_answer(bot, slack, "runbook_reject", value, ML_LEAD)
    approve = _press_and_answer(bot, slack, "runbook_approve", value, LEAD)
    assert "already decided" in approve
    poll_until(lambda: "Rejected" in json.dumps(_run_message(slack, run.id).blocks))
    bot.settle()
    assert service.requests == []


def test_run_runbook_button_on_an_incident_starts_one_run(bot, slack, service):
    incident = incidents.create_incident(
        bot.ctx, IncidentDraft(title="RL reward 250", severity="Sev2", created_by="U1")
    )
    value = json.dumps({"runbook": "rl_reward_runaway_rollback", "ref": f"incident:{incident.id}"})
    first = _press_and_answer(bot, slack, "runbook_run", value, "U0ALICE")
    second = _press_and_answer(bot, slack, "runbook_run", value, "U0BOB")
    assert "waits for an approver" in first and "already has run" in second
    [run] = runs.recent_runs(bot.ctx)
    assert run.source_ref == f"incident:{incident.id}"
    assert run.trigger["incident"]["title"] == "RL reward 250"
    # the approval request is a reply in the incident's thread
    announcement = poll_until(lambda: slack.messages("incidents"))[0]
    poll_until(
        lambda: any("run #" in (m.text or "") for m in slack.thread("incidents", announcement.ts))
    )
    broken = _press_and_answer(
        bot, slack, "runbook_run", '{"runbook": "x", "ref": "chat text"}', "U1"
    )
    assert "out of date or damaged" in broken


def test_a_member_of_the_approver_user_group_may_approve(bot, slack, service):
    slack.workspace.set_usergroup("S0SREONCALL", ["U0ONCALL"])
    bot.command("run rl_reward_runaway_rollback", command="/runbook", channel=_channel_id(slack))
    [run] = runs.recent_runs(bot.ctx)
    value = json.dumps({"run": run.id, "gate": -1})
    assert "Only the approvers" in _press_and_answer(bot, slack, "runbook_approve", value, "U0X")
    assert "You approved" in _press_and_answer(bot, slack, "runbook_approve", value, "U0ONCALL")
    calls = slack.ok_calls("usergroups.users.list")
    assert calls and calls[0].params["usergroup"] == "S0SREONCALL"
    poll_until(lambda: runs.get_run(bot.ctx, run.id).run.state == "succeeded")


LEAKY = """
name: leaky
description: Uses a token in the URL, a header and the body, then fails on it.
automation: auto
steps:
  - name: Call with the token
    kind: http
    method: POST
    url: ${SERVICE_URL}/admin/fail-with-token?token=${RB_API_TOKEN}
    headers: {Authorization: "Bearer ${RB_API_TOKEN}"}
    body: {token: "${RB_API_TOKEN}", note: "key ${RB_API_TOKEN}"}
"""
SECRET = "tok-9f8e7d6c5b4a"


def test_a_secret_never_reaches_the_log_the_database_or_slack(
    start_service, clock, service, slack, tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("RB_API_TOKEN", SECRET)
    service.fail("/admin/fail-with-token", status=500, body=f'{{"error": "bad token {SECRET}"}}')
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "leaky.yml").write_text(LEAKY, encoding="utf-8")
    config = runbook_config(folder, sweep_seconds=0.1)
    bot = start_service(config_override=config, clock=clock)
    with caplog.at_level(logging.DEBUG):
        dry = bot.command("run leaky --dry-run", command="/runbook").json()
        assert "${RB_API_TOKEN}" in json.dumps(dry)
        bot.command("run leaky", command="/runbook")
        poll_until(lambda: service.calls("POST"))
        bot.settle()
    [sent] = service.calls("POST")
    assert SECRET in json.dumps(sent.body)  # the service itself gets it, as it must
    stored = []
    with bot.ctx.db.reader() as session:
        for table in SQLModel.metadata.sorted_tables:
            stored += [str(tuple(row)) for row in session.execute(table.select())]
    assert stored and not [row for row in stored if SECRET in row]
    assert any("${RB_API_TOKEN}" in row for row in stored)  # the failure is recorded, masked
    calls = json.dumps([c.params for c in slack.calls()], ensure_ascii=False, default=str)
    assert "leaky" in calls and SECRET not in calls
    assert SECRET not in caplog.text
