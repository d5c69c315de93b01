"""The local workspace survives a restart: people keep their IDs, messages and threads stay,
and an announcement posted before the restart can still be updated."""

from __future__ import annotations

import json
from pathlib import Path

from slack_sdk import WebClient

from bot.local_slack.memory import Memory
from bot.local_slack.workspace import Workspace
from tests.fakes.slack import FakeSlack

NOW = 1_796_000_000.0


def workspace() -> Workspace:
    return Workspace(channels=("incidents",), clock=lambda: NOW)


def test_people_channels_messages_threads_and_files_come_back(tmp_path: Path) -> None:
    path = tmp_path / "dev.local-slack.json"
    before = workspace()
    memory = Memory(before, path)
    assert memory.load() is False  # nothing saved yet
    alice = before.user("alice")
    kim = before.ensure_user("U0123KIM", "kim")
    before.set_usergroup("S0SREONCALL", [kim.id], handle="sreoncall")
    ops = before.create_channel("ops")
    parent = before.post_message("incidents", "INC-1 declared", blocks=[])
    reply = before.post_message("incidents", "ack by alice", thread_ts=parent.ts, user=alice.id)
    upload = before.reserve_upload("budget.png", 3)
    before.store_upload(upload.id, b"png")
    before.complete_uploads([{"id": upload.id}], channel="ops")
    memory.save()

    after = workspace()
    assert Memory(after, path).load() is True
    assert after.user("alice", create=False) == alice
    assert after.user("U0123KIM", create=False) == kim
    assert after.usergroup_members("S0SREONCALL") == [kim.id]
    assert after.name_of("S0SREONCALL") == "sreoncall"
    assert after.channel("ops", create=False) == ops
    assert [m.ts for m in after.thread("incidents", parent.ts)] == [parent.ts, reply.ts]
    assert after.upload(upload.id).content == b"png"
    # A person named after the restart gets a new ID, never an existing member's.
    bob = after.user("bob")
    assert bob.id not in {alice.id, kim.id, before.bot.id}
    # Timestamps keep growing past the ones handed out before.
    assert float(after.new_ts()) > float(reply.ts)


def test_a_message_from_before_the_restart_can_be_updated(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    first = FakeSlack(channels=["incidents"])
    try:
        memory = Memory(first.workspace, path)
        client = WebClient(token="xoxb-test", base_url=first.api_url)
        ts = client.chat_postMessage(channel="incidents", text="Sev2 · investigating")["ts"]
        memory.save()
    finally:
        first.close()
    second = FakeSlack(channels=[])
    try:
        Memory(second.workspace, path).load()
        client = WebClient(token="xoxb-test", base_url=second.api_url)
        channel = second.workspace.channel("incidents", create=False).id
        client.chat_update(channel=channel, ts=ts, text="Sev2 · resolved")
        assert second.workspace.message(channel, ts).text == "Sev2 · resolved"
    finally:
        second.close()


def test_the_file_is_written_after_a_change_and_at_stop(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    ws = workspace()
    memory = Memory(ws, path, interval=0.01).start()
    ws.post_message("incidents", "first")
    ws.wait_for(lambda: path.exists(), timeout=5)  # the saver writes within its interval
    ws.post_message("incidents", "last, just before stop")
    memory.stop()
    texts = [m["text"] for m in json.loads(path.read_text())["messages"]]
    assert texts == ["first", "last, just before stop"]
    assert not path.with_name(path.name + ".partial").exists()


def test_an_unreadable_file_is_set_aside_not_overwritten(tmp_path: Path, caplog) -> None:
    path = tmp_path / "ws.json"
    path.write_text('{"version": 1, "team_id": "T0LOCAL", "users": [{"id": 3}]')  # torn
    ws = workspace()
    assert Memory(ws, path).load() is False
    assert path.with_name("ws.json.unreadable").exists()
    assert "unreadable" in caplog.text
    assert [c.name for c in ws.channels()] == ["incidents"]  # a fresh workspace


def test_a_snapshot_of_another_workspace_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    other = Workspace(team_id="T0OTHER", clock=lambda: NOW)
    path.write_text(json.dumps(other.snapshot()))
    assert Memory(workspace(), path).load() is False
