"""Runbook messages as Block Kit, built without a server."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.slack.runbooks import views
from commands.runbooks.runs import RunView
from storage.models import RunbookRun, RunbookStep
from tests.factories import pending_approval, step_row

AT = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
SPEC = {
    "name": "rl_reward_runaway_rollback",
    "approvers": ["U0SRELEAD", "S0SREONCALL"],
    "two_person_rule": True,
    "steps": [{"name": "Pause RL training", "kind": "http"}, {"kind": "notify"}],
}


def _run(state: str, **extra) -> RunbookRun:
    return RunbookRun(
        id=7,
        key="k",
        base_key="k",
        runbook="rl_reward_runaway_rollback",
        spec=SPEC,
        trigger={},
        state=state,
        requested_by="U0ALICE",
        channel="#alerts",
        step_index=0,
        created_at=AT,
        updated_at=AT,
        **extra,
    )


def _buttons(message: dict) -> list[tuple[str, str]]:
    return [
        (e["text"]["text"], e["action_id"])
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def test_pending_approval_shows_approvers_deadline_and_both_buttons():
    approval = pending_approval(AT)
    view = RunView(
        _run("awaiting_approval"),
        [],
        approval,
        [("Pause RL training", "http"), ("notify 2", "notify")],
    )
    message = views.run_message(view, Translator("en", ZoneInfo("Asia/Seoul")))
    text = json.dumps(message["blocks"], ensure_ascii=False)
    assert "<@U0SRELEAD> <!subteam^S0SREONCALL>" in text and "11:00" in text
    assert "<@U0ALICE> requested it and cannot approve it" in text
    assert _buttons(message) == [("Approve", "runbook_approve"), ("Reject", "runbook_reject")]
    value = json.loads(message["blocks"][-1]["elements"][0]["value"])
    assert value == {"run": 7, "gate": -1}
    ko = views.run_message(view, Translator("ko"))
    assert [b[0] for b in _buttons(ko)] == ["승인", "거절"]


def test_interrupted_run_offers_resume_and_abandon():
    row = step_row(name="Pause RL training", kind="http", state="interrupted")
    view = RunView(
        _run("interrupted"), [row], None, [("Pause RL training", "http"), ("notify 2", "notify")]
    )
    message = views.run_message(view, Translator("en"))
    assert "Interrupted at step 1 (Pause RL training)" in json.dumps(message["blocks"])
    assert _buttons(message) == [("Resume", "runbook_resume"), ("Abandon", "runbook_abandon")]


def test_a_failed_step_shows_the_response_and_notify_text_is_escaped():
    failed = step_row(
        name="Pause",
        kind="http",
        state="failed",
        result={"status": 500, "body": "<b>stuck</b>", "error": "answered 500, expected 200"},
    )
    reply = views.step_reply(_run("failed"), failed, Translator("en"))["text"]
    assert "answered 500" in reply and "HTTP 500" in reply and "&lt;b&gt;stuck" in reply
    note = step_row(index=1, result={"text": "<!channel> qwen down"})
    assert views.notify_message(_run("running"), note, Translator("en"))["text"] == (
        "&lt;!channel&gt; qwen down"
    )


def test_a_notify_step_for_the_on_call_person_mentions_them():
    note = step_row(index=1, result={"text": "Qwen down", "oncall": True, "oncall_user": "U0KIM"})
    assert views.notify_message(_run("running"), note, Translator("en"))["text"] == (
        "<@U0KIM> Qwen down"
    )
    nobody = RunbookStep(**{**note.model_dump(), "result": {"text": "Qwen down", "oncall": True}})
    assert views.notify_message(_run("running"), nobody, Translator("en"))["text"] == "Qwen down"
