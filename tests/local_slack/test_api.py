"""The local Slack Web API, driven by slack_sdk's real WebClient."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.local_slack import objects
from bot.local_slack.objects import SlackError
from bot.local_slack.workspace import Workspace
from tests.fakes.slack import FakeSlack

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*SEV2* Qwen LLM 장애"}}
METADATA = {"event_type": "incident_declared", "event_payload": {"incident_id": 42}}
MODAL = {
    "type": "modal",
    "callback_id": "declare",
    "title": {"type": "plain_text", "text": "Declare"},
    "submit": {"type": "plain_text", "text": "Declare"},
    "blocks": [
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input"},
        }
    ],
}


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(users=["alice"])
    yield fake
    fake.close()


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.api_url)


def test_api_url_is_a_webclient_base_url(slack: FakeSlack) -> None:
    assert slack.api_url == f"http://127.0.0.1:{slack.port}/api/"
    assert slack.response_url("k 1") == f"http://127.0.0.1:{slack.port}/response/k%201"


def test_auth_test_names_the_bot(client: WebClient, slack: FakeSlack) -> None:
    answer = client.auth_test()
    bot = slack.workspace.bot
    assert answer["ok"] is True
    assert (answer["user_id"], answer["bot_id"], answer["team_id"]) == (
        bot.id,
        bot.bot_id,
        "T0LOCAL",
    )
    assert answer["url"].startswith("http://127.0.0.1:")


def test_post_message_by_name_returns_channel_id_and_message(client: WebClient) -> None:
    answer = client.chat_postMessage(
        channel="#incidents", text="fallback", blocks=[SECTION], metadata=METADATA
    )
    assert answer["channel"] == "C0001"
    assert answer["message"]["blocks"] == [SECTION]
    assert answer["message"]["metadata"] == METADATA
    assert answer["message"]["bot_id"] == "B0001"
    assert client.chat_postMessage(channel="incidents", text="again")["channel"] == "C0001"


def test_unknown_channel_name_is_created_but_unknown_id_is_not_found(
    client: WebClient, slack: FakeSlack
) -> None:
    created = client.chat_postMessage(channel="sre-alerts", text="hi")
    assert slack.workspace.name_of(created["channel"]) == "sre-alerts"
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C9999", text="hi")
    assert raised.value.response["error"] == "channel_not_found"


def test_message_needs_text_or_blocks(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.postMessage", json={"channel": "incidents", "text": ""})
    assert raised.value.response["error"] == "no_text"


def test_timestamps_are_unique_and_increasing_across_threads(slack: FakeSlack) -> None:
    def post(n: int) -> None:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        for i in range(5):
            client.chat_postMessage(channel="incidents", text=f"{n}-{i}")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps = [m.ts for m in slack.messages("incidents")]
    assert len(stamps) == 20
    assert len(set(stamps)) == 20
    assert stamps == sorted(stamps, key=float)
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_threads_and_replies(client: WebClient, slack: FakeSlack) -> None:
    parent = client.chat_postMessage(channel="incidents", text="incident #42")
    first = client.chat_postMessage(channel="incidents", text="update 1", thread_ts=parent["ts"])
    # A reply to a reply lands in the parent's thread, as on Slack.
    client.chat_postMessage(channel="incidents", text="update 2", thread_ts=first["ts"])
    replies = client.conversations_replies(channel=parent["channel"], ts=parent["ts"])
    assert [m["text"] for m in replies["messages"]] == ["incident #42", "update 1", "update 2"]
    assert replies["messages"][0]["reply_count"] == 2
    assert all(m["thread_ts"] == parent["ts"] for m in replies["messages"])
    assert [m.text for m in slack.messages("incidents")] == ["incident #42"]
    assert len(slack.thread("incidents", parent["ts"])) == 3
    with pytest.raises(SlackApiError) as raised:
        client.conversations_replies(channel="C0001", ts="1.000001")
    assert raised.value.response["error"] == "thread_not_found"


def test_update_edits_the_bots_message_only(client: WebClient, slack: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="incidents", text="open", blocks=[SECTION])
    updated = client.chat_update(channel=posted["channel"], ts=posted["ts"], text="resolved")
    assert updated["message"]["text"] == "resolved"
    assert updated["message"]["blocks"] == [SECTION]  # blocks not sent are kept
    message = slack.workspace.message("incidents", posted["ts"])
    assert message is not None
    assert message.edited == 1
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel=posted["channel"], ts="1.000001", text="x")
    assert raised.value.response["error"] == "message_not_found"
    human = slack.workspace.post_message("incidents", "mine", user="U0002")
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel="C0001", ts=human.ts, text="x")
    assert raised.value.response["error"] == "cant_update_message"


def test_post_ephemeral(client: WebClient, slack: FakeSlack) -> None:
    answer = client.chat_postEphemeral(channel="incidents", user="U0002", text="only you")
    [ephemeral] = slack.workspace.ephemerals("incidents", "alice")
    assert ephemeral.ts == answer["message_ts"]
    assert ephemeral.text == "only you"
    assert slack.messages("incidents") == []
    with pytest.raises(SlackApiError) as raised:
        client.chat_postEphemeral(channel="incidents", user="U0999", text="x")
    assert raised.value.response["error"] == "user_not_found"


def test_history_is_newest_first_with_metadata_on_request(client: WebClient) -> None:
    stamps = [
        client.chat_postMessage(channel="incidents", text=f"m{i}", metadata=METADATA)["ts"]
        for i in range(3)
    ]
    client.chat_postMessage(channel="incidents", text="reply", thread_ts=stamps[0])
    plain = client.conversations_history(channel="C0001")
    assert [m["text"] for m in plain["messages"]] == ["m2", "m1", "m0"]
    assert all("metadata" not in m for m in plain["messages"])
    rich = client.conversations_history(channel="C0001", include_all_metadata=True)
    assert rich["messages"][0]["metadata"] == METADATA
    recent = client.conversations_history(channel="C0001", oldest=stamps[0])
    assert [m["text"] for m in recent["messages"]] == ["m2", "m1"]
    first = client.conversations_history(channel="C0001", limit=2)
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel="C0001", limit=2, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["m0"]
    assert rest["has_more"] is False


def test_permalink_join_info_and_users(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="incidents", text="x")
    link = client.chat_getPermalink(channel="C0001", message_ts=posted["ts"])["permalink"]
    assert link.endswith("/archives/C0001/p" + posted["ts"].replace(".", ""))
    assert client.conversations_join(channel="C0001")["channel"]["is_member"] is True
    info = client.conversations_info(channel="C0001")["channel"]
    assert (info["id"], info["name"], info["is_channel"]) == ("C0001", "incidents", True)
    user = client.users_info(user="U0002")["user"]
    assert (user["name"], user["real_name"], user["tz"]) == ("alice", "alice", "UTC")
    assert user["tz_offset"] == 0
    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U0999")
    assert raised.value.response["error"] == "user_not_found"


def test_views_open_update_push(client: WebClient, slack: FakeSlack) -> None:
    opened = client.views_open(trigger_id="123.456.abc", view=MODAL)["view"]
    assert opened["id"] == "V0001"
    assert opened["callback_id"] == "declare"
    block = opened["blocks"][0]
    assert block["block_id"] and block["element"]["action_id"]  # filled in, as Slack does
    assert slack.workspace.view_for_trigger("123.456.abc") is not None
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Declared"}}
    updated = client.views_update(view_id=opened["id"], view=changed, hash=opened["hash"])
    assert updated["view"]["title"]["text"] == "Declared"
    with pytest.raises(SlackApiError) as raised:
        client.views_update(view_id=opened["id"], view=changed, hash=opened["hash"])
    assert raised.value.response["error"] == "hash_conflict"
    with pytest.raises(SlackApiError) as raised:
        client.views_update(view_id="V0999", view=changed)
    assert raised.value.response["error"] == "not_found"
    trigger = slack.workspace.issue_trigger("U0002", view_id=opened["id"])
    pushed = client.views_push(trigger_id=trigger, view=MODAL)["view"]
    assert pushed["root_view_id"] == opened["id"]
    assert pushed["previous_view_id"] == opened["id"]


def test_issued_trigger_ids_are_single_use_and_expire(
    client: WebClient, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    trigger = slack.workspace.issue_trigger("U0002")
    client.views_open(trigger_id=trigger, view=MODAL)
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id=trigger, view=MODAL)
    assert raised.value.response["error"] == "exchanged_trigger_id"
    monkeypatch.setattr(objects, "TRIGGER_TTL", -1.0)
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id=slack.workspace.issue_trigger("U0002"), view=MODAL)
    assert raised.value.response["error"] == "expired_trigger_id"


def test_files_upload_v2_posts_a_message_with_the_file(client: WebClient, slack: FakeSlack) -> None:
    parent = client.chat_postMessage(channel="incidents", text="incident")
    answer = client.files_upload_v2(
        channel="C0001",
        content="타임라인\n12:00 alert",
        filename="timeline.md",
        title="Timeline",
        initial_comment="Postmortem draft",
        thread_ts=parent["ts"],
    )
    assert answer["file"]["title"] == "Timeline"
    [reply] = slack.thread("incidents", parent["ts"])[1:]
    assert reply.text == "Postmortem draft"
    assert reply.files[0]["name"] == "timeline.md"
    upload = slack.workspace.upload(answer["file"]["id"])
    assert upload is not None
    assert upload.content == "타임라인\n12:00 alert".encode()
    methods = [c.method for c in slack.calls()][1:]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


def test_auth_errors(slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=slack.api_url).auth_test()
    assert raised.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as raised:
        WebClient(token="bogus", base_url=slack.api_url).auth_test()
    assert raised.value.response["error"] == "invalid_auth"
    strict = FakeSlack(token="xoxb-right")
    try:
        with pytest.raises(SlackApiError) as raised:
            WebClient(token="xoxb-wrong", base_url=strict.api_url).auth_test()
        assert raised.value.response["error"] == "invalid_auth"
        assert WebClient(token="xoxb-right", base_url=strict.api_url).auth_test()["ok"]
    finally:
        strict.close()


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("reactions.fly")
    assert raised.value.response["error"] == "unknown_method"
    assert raised.value.response.status_code == 200


def test_form_bodies_have_json_fields_decoded(slack: FakeSlack) -> None:
    body = "channel=incidents&text=hi&unfurl_links=false&blocks=" + urllib.request.quote(
        json.dumps([SECTION])
    )
    request = urllib.request.Request(
        slack.api_url + "chat.postMessage",
        data=body.encode(),
        headers={
            "Authorization": "Bearer xoxb-test",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["ok"] is True
    [call] = slack.calls("chat.postMessage")
    assert call.params == {
        "channel": "incidents",
        "text": "hi",
        "unfurl_links": False,
        "blocks": [SECTION],
    }
    assert call.status == 200 and call.ok


def test_fail_answers_http_status_then_recovers(client: WebClient, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="incidents", text="x")
    assert raised.value.response.status_code == 500
    client.chat_postMessage(channel="incidents", text="x")
    assert [c.status for c in slack.calls("chat.postMessage")] == [500, 200]
    assert [c.fault for c in slack.calls("chat.postMessage")] == ["status", None]
    assert len(slack.ok_calls("chat.postMessage")) == 1
    assert slack.faults() == []


def test_rate_limit_surfaces_retry_after(client: WebClient, slack: FakeSlack) -> None:
    slack.rate_limit("chat.postMessage", retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel="incidents", text="x")
        response = raised.value.response
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"
        assert response["error"] == "ratelimited"
    client.auth_test()  # other methods are not affected
    assert client.chat_postMessage(channel="incidents", text="x")["ok"]


def test_error_fault_answers_ok_false(client: WebClient, slack: FakeSlack) -> None:
    slack.error("views.open", "expired_trigger_id")
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id="1.2.3", view=MODAL)
    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "expired_trigger_id"
    [call] = slack.calls("views.open")
    assert (call.status, call.error, call.ok) == (200, "expired_trigger_id", False)


def test_hang_makes_the_client_time_out_then_the_call_lands(slack: FakeSlack) -> None:
    slack.hang("chat.postMessage", seconds=0.8)
    impatient = WebClient(token="xoxb-test", base_url=slack.api_url, timeout=0.3)
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        impatient.chat_postMessage(channel="incidents", text="late")
    # Slack may still act on a request its client gave up on.
    slack.wait_for(lambda: len(slack.messages("incidents")) == 1)
    [call] = slack.calls("chat.postMessage")
    assert (call.status, call.fault) == (200, "hang")


def test_close_cuts_a_hang_short(slack: FakeSlack) -> None:
    slack.hang(seconds=60)
    impatient = WebClient(token="xoxb-test", base_url=slack.api_url, timeout=0.2)
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        impatient.auth_test()
    started = time.monotonic()
    slack.close()
    assert time.monotonic() - started < 2
    assert [c.status for c in slack.calls()] == [0]


def test_outage_fails_everything_until_it_ends(client: WebClient, slack: FakeSlack) -> None:
    with slack.outage(status=503):
        for call in (client.auth_test, lambda: client.users_info(user="U0002")):
            with pytest.raises(SlackApiError) as raised:
                call()
            assert raised.value.response.status_code == 503
    assert client.auth_test()["ok"]
    slack.outage()
    with pytest.raises(SlackApiError):
        client.auth_test()
    slack.end_outage()
    assert client.auth_test()["ok"]
    assert [c.status for c in slack.calls()] == [503, 503, 200, 503, 200]


def test_response_url_delivery(slack: FakeSlack) -> None:
    ws = slack.workspace
    posted = ws.post_message("incidents", "Acknowledge?")
    ws.register_response_url("press", channel="C0001", user="U0002", message_ts=posted.ts)
    ws.register_response_url("cmd", channel="C0001", user="U0002")
    answer = WebhookClient(slack.response_url("cmd")).send(
        text="only you", response_type="ephemeral"
    )
    assert (answer.status_code, answer.body) == (200, "ok")
    WebhookClient(slack.response_url("cmd")).send(text="everyone", response_type="in_channel")
    WebhookClient(slack.response_url("press")).send(text="Acknowledged", replace_original=True)
    WebhookClient(slack.response_url("unregistered")).send(text="noted")
    assert [e.text for e in ws.ephemerals("incidents")] == ["only you"]
    assert [m.text for m in slack.messages("incidents")] == ["Acknowledged", "everyone"]
    assert [r.effect for r in ws.responses()] == ["ephemeral", "in_channel", "replaced", "recorded"]
    assert slack.calls("response_url")[0].params == {
        "key": "cmd",
        "text": "only you",
        "response_type": "ephemeral",
    }


def test_wait_for_explains_what_it_saw(client: WebClient, slack: FakeSlack) -> None:
    client.chat_postMessage(channel="incidents", text="only one")
    with pytest.raises(AssertionError) as raised:
        slack.wait_for(lambda: len(slack.messages("incidents")) == 2, timeout=0.1)
    assert "chat.postMessage → 200 ok" in str(raised.value)
    assert "'only one'" in str(raised.value)


def test_wait_for_wakes_on_a_call(slack: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    thread = threading.Thread(target=client.auth_test)
    thread.start()
    assert slack.wait_for(lambda: slack.ok_calls("auth.test"))
    thread.join()


def test_workspace_reports_events_in_order() -> None:
    ws = Workspace()
    seen: list[str] = []
    unsubscribe = ws.subscribe(lambda event: seen.append(event.kind))
    posted = ws.post_message("incidents", "a")
    ws.update_message("incidents", posted.ts, text="b")
    ws.post_ephemeral("incidents", ws.bot.id, "c")
    unsubscribe()
    ws.post_message("incidents", "d")
    assert seen == ["message_posted", "message_updated", "ephemeral_posted"]
    with pytest.raises(SlackError):
        ws.post_message("C0999", "x")
