"""The bot's HTTP server end to end: signed Slack requests in, the fake Slack's calls out."""

import contextlib
import json
import socket
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from commands.errors import CommandError
from commands.incidents import lifecycle as incidents
from commands.incidents.slash import parse_incident
from tests.conftest import command_body, poll_until
from tests.factories import block_action, mention_body, outbox_rows, view_submission

INCIDENTS = "incidents"


@pytest.fixture
def start_service_once(start_service):
    """One server for all of a property test's examples."""
    return start_service()


def _opens_the_create_form(text: str) -> bool:
    try:
        request = parse_incident(text)
    except CommandError:
        return False
    return request.sub == "create" and not request.title


def _posts(slack, *, thread: bool | None = None):
    calls = slack.ok_calls("chat.postMessage")
    if thread is None:
        return calls
    return [c for c in calls if bool(c.params.get("thread_ts")) is thread]


def _created_id(response) -> str:
    text = response["text"] if isinstance(response, dict) else response.json()["text"]
    return text.split("Incident Created: ")[1].split(" ")[0]


def _block_action(action_id: str, value: str, user: str, response_url: str) -> dict:
    return block_action(action_id, value, user, response_url, block_id="incident_actions")


# --- verification ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        "bad-signature",
        "stale",
        "wrong-secret",
    ],
    ids=["unsigned", "bad-signature", "stale-timestamp", "wrong-secret"],
)
def test_unverified_requests_get_401_and_change_nothing(start_service, slack, headers):
    bot = start_service()
    body = command_body("create sev1 should not exist")
    if headers == "bad-signature":
        headers = {**bot.sign(body), "X-Slack-Signature": "v0=deadbeef"}
    elif headers == "stale":
        headers = bot.sign(body, ago=6 * 60)
    elif headers == "wrong-secret":
        headers = bot.sign(body, secret="not-the-secret")
    response = bot.post(
        body, headers={"Content-Type": "application/x-www-form-urlencoded", **headers}
    )
    assert response.status_code == 401
    assert incidents.list_incidents(bot.ctx) == []
    assert slack.ok_calls("chat.postMessage") == []


def test_oversized_body_is_refused(start_service):
    bot = start_service()
    body = command_body("create sev3 " + "x" * (1024 * 1024))
    assert bot.post(body).status_code == 413


def test_a_huge_body_is_refused_from_its_headers_or_once_past_the_cap(start_service):
    """Without credentials: 200 MB announced is refused before any of it is read; a body
    streamed without a length is cut off at 1 MiB, not read whole into memory."""
    bot = start_service()
    host, port = bot.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 200000000\r\n\r\n"
        )
        assert conn.recv(4096).startswith(b"HTTP/1.1 413")  # no body sent, none waited for

    sent = []

    def endless():
        for _ in range(200):  # up to 12.8 MB; the bot stops reading after 1 MiB
            sent.append(1)
            yield b"x" * 65536

    with contextlib.suppress(httpx.HTTPError):  # the bot may close before the client is done
        response = httpx.post(bot.url + "/slack/events", content=endless(), timeout=10)
        assert response.status_code == 413
    assert len(sent) < 200
    assert bot.get("/health/live").status_code == 200


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [("soon", "v0=abc"), ("1" * 40, "v0=abc"), (None, "v0=\u00e9\u00e9".encode("latin-1"))],
    ids=["non-numeric-timestamp", "huge-timestamp", "non-ascii-signature"],
)
def test_malformed_signature_headers_get_401_not_500(start_service, timestamp, signature):
    bot = start_service()
    body = command_body("create sev1 should not exist")
    headers = bot.sign(body)
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    headers["X-Slack-Signature"] = signature
    response = httpx.post(bot.url + "/slack/events", content=body, headers=headers, timeout=10)
    assert response.status_code == 401
    assert "malformed Slack signature headers" in response.text
    assert incidents.list_incidents(bot.ctx) == []


@pytest.mark.parametrize("depth", [100_000, 65])
def test_a_signed_payload_nested_too_deep_gets_400(start_service, depth):
    bot = start_service()
    event = '{"type": "event_callback", "event": ' + "[" * depth + "]" * depth + "}"
    headers = {**bot.sign(event), "Content-Type": "application/json"}
    assert bot.post(event, headers=headers).status_code == 400
    interaction = "payload=" + urllib.parse.quote(
        '{"type": "block_actions", "x": ' + "[" * depth + "]" * depth + "}"
    )
    assert bot.post(interaction).status_code == 400


def test_a_replayed_signed_request_is_answered_and_does_nothing(start_service, slack):
    """One signed /incident create, sent three times within Slack's 5-minute window."""
    bot = start_service()
    body = command_body("create sev2 replayed")
    headers = bot.sign(body)
    answers = [bot.post(body, headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json()["text"].startswith("Incident Created: INC-")
    assert answers[1].content == answers[2].content == b""
    assert len(incidents.list_incidents(bot.ctx)) == 1
    # a new request for the same thing (Slack gives it its own trigger) is not a replay
    assert bot.command("create sev2 replayed").json()["text"].startswith("Incident Created")
    assert len(incidents.list_incidents(bot.ctx)) == 2


# --- the incident flow ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["report abc", "report -5"])
def test_a_bad_report_window_is_answered_with_its_usage(start_service, slack, text):
    bot = start_service()
    response = bot.command(text)
    assert response.status_code == 200
    assert "a number of days from 1 to 3650" in response.json()["text"]


def test_create_announces_in_the_channel_with_a_threaded_timeline(start_service, slack):
    bot = start_service()
    response = bot.command("create sev2 Qwen LLM failure")
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Incident Created: INC-")
    incident_id = _created_id(response)

    slack.wait_for(lambda: len(_posts(slack, thread=True)) == 1)
    parent = _posts(slack, thread=False)[0]
    assert parent.params["channel"] == "#incidents"
    assert incident_id in json.dumps(parent.params["blocks"])
    buttons = [
        e["text"]["text"]
        for b in parent.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == ["Acknowledge", "Update status", "Resolve"]
    reply = _posts(slack, thread=True)[0]
    [announcement] = slack.messages(INCIDENTS)
    assert reply.params["thread_ts"] == announcement.ts
    thread = slack.thread(INCIDENTS, announcement.ts)
    assert len(thread) == 2 and "declared the incident" in thread[1].text
    assert "declared the incident" in reply.params["text"]


def test_every_change_updates_the_announcement_and_adds_a_thread_reply(start_service, slack):
    bot = start_service()
    incident_id = _created_id(bot.command("create sev2 Qwen LLM failure"))
    steps = [
        f"ack {incident_id}",
        f"status {incident_id} investigating Checking Qwen health endpoint",
        f"severity {incident_id} sev1",
        f"root-cause {incident_id} GPU memory leak",
        f"resolve {incident_id} Rolled back",
        f"close {incident_id}",
        f"postmortem {incident_id} https://wiki.example/pm/qwen",
    ]
    for step in steps:
        response = bot.command(step)
        assert response.status_code == 200
        assert "text" in response.json()
    slack.wait_for(
        lambda: any(
            "https://wiki.example/pm/qwen" in c.params.get("text", "") for c in _posts(slack)
        )
    )
    replies = [c.params["text"] for c in _posts(slack, thread=True)]
    assert any("acknowledged" in r for r in replies)
    assert any("Checking Qwen health endpoint" in r for r in replies)
    assert any("Postmortem required" in r and "## Root cause" in r for r in replies)
    # The announcement ends up showing the final state (updates render it when delivered).
    # (Earlier updates may all have been superseded, so there may be none yet.)
    slack.wait_for(
        lambda: (
            (updates := slack.ok_calls("chat.update"))
            and "Closed" in json.dumps(updates[-1].params["blocks"])
        )
    )
    assert "Closed" in json.dumps(slack.messages(INCIDENTS)[0].blocks)
    # replies arrive in the order the changes were made
    order = [r for r in replies if "declared" in r or "acknowledged" in r or "Checking" in r]
    assert "declared" in order[0] and "acknowledged" in order[1] and "Checking" in order[2]


def test_eight_people_press_acknowledge_at_once(start_service, slack):
    bot = start_service()
    incident_id = _created_id(bot.command("create sev1 API down"))
    barrier = threading.Barrier(8)

    def press(n: int):
        payload = _block_action(
            "incident_acknowledge", incident_id, f"U0PERSON{n}", slack.response_url(f"ack-{n}")
        )
        barrier.wait()
        return bot.interact(payload)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(press, range(8)))
    assert all(r.status_code == 200 for r in responses)
    slack.wait_for(lambda: len(slack.ok_calls("response_url")) == 8)
    texts = [c.params.get("text", "") for c in slack.ok_calls("response_url")]
    assert sum("You acknowledged" in t for t in texts) == 1
    already = [t for t in texts if "already acknowledged by" in t]
    assert len(already) == 7
    winner = incidents.get_incident(bot.ctx, incident_id).acknowledged_by
    assert all(f"<@{winner}>" in t for t in already)
    timeline = incidents.get_timeline(bot.ctx, incident_id)[1]
    assert [e.kind for e in timeline].count("acknowledged") == 1


def test_create_without_text_opens_the_form_and_submitting_creates(start_service, slack):
    bot = start_service()
    response = bot.command("create", trigger_id="trig-123")
    assert response.status_code == 200
    slack.wait_for(lambda: slack.ok_calls("views.open"))
    opened = slack.ok_calls("views.open")[0].params
    assert opened["trigger_id"] == "trig-123"
    view = opened["view"]
    assert view["callback_id"] == "incident_create"
    values = {
        "title": {"value": {"type": "plain_text_input", "value": "Qwen LLM 장애"}},
        "severity": {"value": {"type": "static_select", "selected_option": {"value": "Sev2"}}},
        "description": {"value": {"type": "plain_text_input", "value": "크리에이티브 모드 실패"}},
        "components": {"value": {"type": "plain_text_input", "value": "qwen, llm-gateway"}},
    }
    submission = view_submission(view, values)
    assert bot.interact(submission).status_code == 200
    created = incidents.list_incidents(bot.ctx)
    assert [(i.title, i.severity, i.components) for i in created] == [
        ("Qwen LLM 장애", "Sev2", ["qwen", "llm-gateway"])
    ]
    slack.wait_for(
        lambda: any(
            "Qwen LLM 장애" in json.dumps(c.params, ensure_ascii=False) for c in _posts(slack)
        )
    )


def test_form_with_a_blank_title_answers_with_a_field_error(start_service):
    bot = start_service()
    submission = {
        "type": "view_submission",
        "user": {"id": "U0ALICE"},
        "team": {"id": "T0TEAM"},
        "api_app_id": "A0APP",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "incident_create",
            "private_metadata": "{}",
            "state": {"values": {"title": {"value": {"type": "plain_text_input", "value": "  "}}}},
        },
    }
    response = bot.interact(submission)
    assert response.json() == {
        "response_action": "errors",
        "errors": {"title": "This field is required."},
    }
    assert incidents.list_incidents(bot.ctx) == []


def test_update_status_button_opens_a_form_and_the_form_changes_status(start_service, slack):
    bot = start_service()
    incident_id = _created_id(bot.command("create sev3 cache failure"))
    bot.interact(
        _block_action("incident_update_status", incident_id, "U0BOB", slack.response_url("s"))
    )
    slack.wait_for(lambda: slack.ok_calls("views.open"))
    view = slack.ok_calls("views.open")[0].params["view"]
    values = {
        "status": {"value": {"type": "static_select", "selected_option": {"value": "mitigated"}}},
        "note": {"value": {"type": "plain_text_input", "value": "circuit breaker closed"}},
    }
    submission = view_submission(view, values, user="U0BOB", view_id="V2")
    assert bot.interact(submission).status_code == 200
    incident = incidents.get_incident(bot.ctx, incident_id)
    assert incident.status == "mitigated"
    assert incident.acknowledged_by == "U0BOB"


# --- bad input ----------------------------------------------------------------------------


def test_unknown_sub_command_gets_usage(start_service, slack):
    bot = start_service()
    answer = bot.command("explode now").json()
    assert answer["response_type"] == "ephemeral"
    assert "Unknown sub-command `explode`" in answer["text"]
    assert "/incident create sev2 &lt;title&gt;" in answer["text"]


def test_missing_argument_names_it(start_service):
    bot = start_service()
    answer = bot.command("status").json()
    assert answer["text"] == (
        "`/incident status` is missing the incident ID. Usage: "
        "`/incident status ID investigating|mitigated|resolved [note]`"
    )


def test_unknown_severity_lists_valid_ones_and_creates_nothing(start_service, slack):
    bot = start_service()
    answer = bot.command("create critical API down").json()
    assert answer["text"] == "Unknown severity `critical`. Use one of: Sev1, Sev2, Sev3, Sev4."
    assert incidents.list_incidents(bot.ctx) == []


def test_unknown_incident(start_service):
    bot = start_service()
    answer = bot.command("ack INC-20000101-000000").json()
    assert "There is no incident `INC-20000101-000000`" in answer["text"]


def test_bare_ack_acks_the_channels_only_unacked_incident(start_service, slack):
    bot = start_service()
    incident_id = _created_id(bot.command("create sev2 one"))
    slack.wait_for(lambda: slack.messages(INCIDENTS))
    channel_id = slack.messages(INCIDENTS)[0].channel  # Slack answers with the channel's ID
    answer = bot.command("ack", channel=channel_id).json()
    assert answer["text"].startswith(f"You acknowledged {incident_id}")
    bot.command("create sev2 two")
    bot.command("create sev3 three")
    chooser = bot.command("ack", channel=channel_id).json()
    assert chooser["text"] == "Several incidents are waiting for an acknowledgement. Pick one:"
    assert sum(1 for b in chooser["blocks"] if b.get("accessory")) == 2


def test_korean_locale_answers_in_korean(start_service, config, slack):
    korean = config.model_copy(update={"slack": config.slack.model_copy(update={"locale": "ko"})})
    bot = start_service(config_override=korean)
    answer = bot.command("create sev9 x").json()
    assert (
        answer["text"]
        == "알 수 없는 심각도 `sev9`입니다. 다음 중 하나를 쓰세요: Sev1, Sev2, Sev3, Sev4."
    )
    created = bot.command("create sev2 Qwen LLM 장애").json()["text"]
    assert created.startswith("인시던트 생성됨: INC-")
    slack.wait_for(lambda: slack.messages(INCIDENTS))
    assert "감지됨" in json.dumps(slack.messages(INCIDENTS)[0].blocks, ensure_ascii=False)


# --- operations ---------------------------------------------------------------------------


def test_health_and_metrics(start_service, slack):
    bot = start_service()
    assert bot.get("/health/live").json() == {"status": "ok"}
    slack.wait_for(lambda: slack.ok_calls("auth.test"))

    def ready():
        return bot.get("/health/ready")

    poll_until(lambda: ready().status_code == 200)
    body = ready().json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "slack", "scheduler", "dead_messages", "post_lookup"}
    assert body["checks"]["dead_messages"] == {
        "ok": True,
        "detail": "none",
        "warning": False,
        "count": 0,
        "messages": [],
    }
    incident_id = _created_id(bot.command("create sev1 API down"))
    bot.command(f"ack {incident_id}")
    metrics = bot.get("/metrics").text
    assert 'sre_bot_incidents_open{severity="Sev1"} 1.0' in metrics
    assert 'sre_bot_incident_acknowledgements_total{severity="Sev1"} 1.0' in metrics
    assert 'sre_bot_incident_mtta_seconds_count{severity="Sev1"} 1.0' in metrics
    assert "sre_bot_outbox_backlog" in metrics
    assert "sre_bot_database_up 1.0" in metrics


def test_ready_reports_slack_auth_failure(start_service, slack):
    slack.error("auth.test", "invalid_auth", times=None)
    bot = start_service()
    slack.wait_for(lambda: slack.calls("auth.test"))
    response = poll_until(
        lambda: (
            (r := bot.get("/health/ready")).json()["checks"]["slack"]["detail"] == "invalid_auth"
            and r
        )
    )
    assert response.status_code == 503
    assert response.json()["checks"]["slack"] == {"ok": False, "detail": "invalid_auth"}


def test_cli_change_is_announced_by_the_running_server(start_service, slack, cli):
    bot = start_service()
    result = cli(
        "incident",
        "create",
        "--title",
        "RL reward runaway",
        "--severity",
        "Sev2",
        env={"DATABASE_URL": bot.service.settings.database_url},
    )
    assert result.returncode == 0, result.stderr
    slack.wait_for(
        lambda: any(
            "RL reward runaway" in json.dumps(c.params) for c in _posts(slack, thread=False)
        ),
        timeout=10,
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("payload=%7Bnot+json", "payload is not valid JSON"),
        ("payload=%5B1%2C2%5D", "payload has no 'type'"),
        (
            "payload=" + '{"type":"view_submission","view":"x"}',
            "view_submission payload has no view with a 'type'",
        ),
        ("payload=" + '{"type":"block_actions"}', "block_actions payload has no 'actions' list"),
        ("hello=world", "not a Slack command, interaction or event"),
    ],
)
def test_malformed_payloads_get_400_with_the_reason(start_service, body, reason):
    bot = start_service()
    response = bot.post(body)
    assert response.status_code == 400
    assert response.json() == {"error": reason}


def test_ready_stays_ready_while_slack_is_unreachable_after_a_good_check(start_service, slack):
    from bot.runtime import SlackAuth

    auth = SlackAuth()
    bot = start_service()
    auth.check(bot.service.client)
    assert auth.ok and auth.verified
    with slack.outage(status=503):
        auth.check(bot.service.client)
    assert auth.ok
    assert "Slack unreachable now (http_503)" in auth.detail
    slack.error("auth.test", "token_revoked")
    auth.check(bot.service.client)
    assert (auth.ok, auth.detail) == (False, "token_revoked")


def test_never_verified_and_unreachable_is_not_ready(start_service, slack):
    from bot.runtime import SlackAuth

    auth = SlackAuth()
    bot = start_service()
    with slack.outage(status=500):
        auth.check(bot.service.client)
    assert (auth.ok, auth.detail) == (False, "http_500")


def test_url_verification_answers_the_challenge(start_service):
    bot = start_service()
    body = json.dumps(
        {"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV"}
    )
    headers = {**bot.sign(body), "Content-Type": "application/json"}
    response = bot.post(body, headers=headers)
    assert response.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV" in response.text


def test_a_retried_event_is_handled_once(start_service, slack):
    bot = start_service()
    body = mention_body("Ev0000001", bot.ctx.clock.now())
    first = bot.post(body, headers={**bot.sign(body), "Content-Type": "application/json"})
    retry_headers = {
        **bot.sign(body),
        "Content-Type": "application/json",
        "X-Slack-Retry-Num": "1",
        "X-Slack-Retry-Reason": "http_timeout",
    }
    retry = bot.post(body, headers=retry_headers)
    assert first.status_code == retry.status_code == 200
    slack.wait_for(lambda: slack.ok_calls("chat.postMessage"))
    other = mention_body("Ev0000002", bot.ctx.clock.now())
    bot.post(other, headers={**bot.sign(other), "Content-Type": "application/json"})
    slack.wait_for(lambda: len(slack.ok_calls("chat.postMessage")) == 2)
    replies = slack.ok_calls("chat.postMessage")
    assert [c.params["thread_ts"] for c in replies] == ["1700000000.000100"] * 2
    assert "/incident help" in replies[0].params["text"]


def test_a_command_that_says_payload_is_still_a_command(start_service):
    # Bolt takes any form body containing "payload" for an interaction (and 404s it).
    bot = start_service()
    incident_id = _created_id(bot.command("create sev3 webhook payload too large"))
    answer = bot.command(f"note {incident_id} the payload= field was 5 MB").json()
    assert answer["text"] == f"Note added to {incident_id}."
    [entry] = [e for e in incidents.get_timeline(bot.ctx, incident_id)[1] if e.kind == "note"]
    assert entry.data["text"] == "the payload= field was 5 MB"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400))
@example(text="CREATE")
def test_any_command_text_gets_a_clear_answer_never_a_server_error(start_service_once, text):
    response = start_service_once.command(text)
    assert response.status_code == 200
    if _opens_the_create_form(text):
        assert response.content == b""  # an empty ack: the form opens after it, as in Slack
        return
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].strip()
    assert "Traceback" not in answer["text"]


def test_text_longer_than_slack_accepts_is_cut_safely(start_service, slack):
    bot = start_service()
    title = "가나다 <!channel> & " * 400  # 7,200 characters, Korean and markup
    answer = bot.command(f"create sev3 {title}").json()
    assert answer["text"].startswith("Incident Created: INC-")
    incident_id = _created_id(answer)
    bot.command(f"note {incident_id} " + "메모 " * 3000)
    slack.wait_for(lambda: len(_posts(slack, thread=True)) == 2)
    for call in slack.ok_calls("chat.postMessage"):
        assert len(call.params["text"]) <= 40_000
        for block in call.params.get("blocks", []):
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
                assert "<!channel>" not in block["text"]["text"]
    stored = incidents.get_incident(bot.ctx, incident_id)
    assert stored.title.startswith("가나다 <!channel> & ")  # kept as typed, up to 500 chars
    assert len(stored.title) <= 500


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.fixed_dictionaries(
        {"type": st.sampled_from(["block_actions", "view_submission", "shortcut", "view_closed"])},
        optional={
            "actions": st.lists(
                st.dictionaries(
                    st.sampled_from(["action_id", "value", "type"]), st.text(max_size=20)
                ),
                max_size=2,
            ),
            "view": st.dictionaries(
                st.sampled_from(["type", "callback_id", "private_metadata", "state"]),
                st.one_of(st.text(max_size=20), st.none()),
            ),
            "user": st.dictionaries(st.sampled_from(["id", "name"]), st.text(max_size=12)),
        },
    )
)
def test_odd_interaction_payloads_never_get_a_server_error(start_service_once, payload):
    response = start_service_once.interact(payload)
    assert response.status_code < 500, response.text


def test_the_announcement_turns_overdue_at_the_deadline_without_an_ack(start_service, slack, clock):
    bot = start_service(clock=clock)
    incident_id = _created_id(bot.command("create sev1 API down"))
    slack.wait_for(lambda: len(_posts(slack)) == 2)
    assert slack.ok_calls("chat.update") == []  # nothing due before the deadline
    deadline = clock.advance(minutes=15).astimezone(bot.ctx.config.slack.tz)
    bot.service.delivery.wake()
    [update] = slack.wait_for(lambda: slack.ok_calls("chat.update"))
    overdue = f"overdue since {deadline:%H:%M} {deadline.tzname()} (15m target)"
    assert overdue in json.dumps(update.params["blocks"])
    bot.command(f"ack {incident_id}")
    slack.wait_for(lambda: len(slack.ok_calls("chat.update")) == 2)
    assert "overdue" not in json.dumps(slack.ok_calls("chat.update")[-1].params["blocks"])


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"type": "block_actions", "actions": []}, "block_actions payload has no 'actions' list"),
        (
            {"type": "block_actions", "actions": [{"value": "x"}]},
            "block_actions payload has an action without an 'action_id'",
        ),
    ],
)
def test_button_presses_without_a_button_get_400(start_service, payload, reason):
    response = start_service().interact(payload)
    assert (response.status_code, response.json()) == (400, {"error": reason})


def test_a_postmortem_draft_too_long_for_a_message_is_uploaded_whole_in_the_thread(
    start_service, slack
):
    bot = start_service()
    incident_id = _created_id(bot.command("create sev1 Qwen LLM failure"))
    incidents.set_root_cause(bot.ctx, incident_id, "<&>" * 3000, actor="U0KIM")
    incidents.resolve(bot.ctx, incident_id, actor="U0KIM", resolution="a&b<c>" * 1500)
    assert bot.command(f"close {incident_id}").status_code == 200
    channel = slack.workspace.channel(INCIDENTS)
    [announcement] = slack.messages(channel.id)
    [file_reply] = poll_until(
        lambda: [m for m in slack.thread(channel.id, announcement.ts) if m.files], timeout=30
    )
    [shared] = file_reply.files
    assert shared["name"].startswith(f"{incident_id}-postmortem") and shared["name"].endswith(".md")
    content = slack.workspace.upload(shared["id"]).content.decode()
    assert content.startswith("# ") and incident_id in content.split("\n")[0]
    assert "<&>" * 3000 in content and "a&b<c>" * 1500 in content
    pointer = next(
        m for m in slack.thread(channel.id, announcement.ts) if "-postmortem.md" in m.text
    )
    assert "Postmortem required" in pointer.text and len(pointer.text) < 3000
    bot.settle()  # the file is in Slack a moment before the outbox records it
    rows = outbox_rows(bot.ctx)
    assert [r.state for r in rows if r.template.startswith("incident.postmortem")] == ["sent"] * 2
    assert "dead" not in {r.state for r in rows}
