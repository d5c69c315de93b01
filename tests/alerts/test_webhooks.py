"""The alert webhooks end to end: HTTP in, the fake Slack's recorded calls out."""

import json
import logging
import socket
import time
import tracemalloc
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.alerts import groups
from commands.config import Config, SlackConfig
from commands.incidents import lifecycle as incidents
from tests.alerting import alert, grafana_webhook, webhook
from tests.conftest import ALERT_TOKEN
from tests.factories import block_action, view_submission

AUTH = {"Authorization": f"Bearer {ALERT_TOKEN}"}


def _send(bot, payload, path: str = "/alerts/alertmanager", headers=None, timeout=10, **kwargs):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return httpx.post(
        bot.url + path,
        content=body,
        headers={"Content-Type": "application/json", **(AUTH if headers is None else headers)},
        timeout=timeout,
        **kwargs,
    )


def _parents(slack, channel: str = "alerts"):
    return slack.messages(channel)


def _replies(slack, channel: str = "alerts"):
    return [m for m in slack.messages(channel, include_replies=True) if m.is_reply]


def _block_action(action_id: str, value: str, user: str, response_url: str) -> dict:
    return block_action(
        action_id, value, user, response_url, block_id="alert_actions", channel_name="alerts"
    )


def _nothing_written(bot, slack) -> None:
    assert groups.list_groups(bot.ctx) == []
    assert slack.ok_calls("chat.postMessage") == []


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": f"Basic {ALERT_TOKEN}"},
        {"Authorization": f"Bearer {ALERT_TOKEN}x"},
    ],
    ids=["missing", "wrong", "not-bearer", "longer"],
)
def test_a_missing_or_wrong_token_gets_401_and_writes_nothing(start_service, slack, headers):
    bot = start_service()
    for path in ("/alerts/alertmanager", "/alerts/grafana"):
        response = _send(bot, webhook([alert("a")]), path, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    _nothing_written(bot, slack)


def test_without_a_configured_token_every_request_is_refused_and_the_log_says_why_once(
    start_service, slack, caplog
):
    bot = start_service(alert_token=None)
    with caplog.at_level(logging.ERROR, logger="bot.http.alert_webhooks"):
        for headers in (AUTH, {}, {"Authorization": "Bearer x"}):
            response = _send(bot, webhook([alert("a")]), headers=headers)
            assert response.status_code == 401
            assert "ALERT_WEBHOOK_TOKEN is not set" in response.json()["error"]
    said = [r for r in caplog.records if "ALERT_WEBHOOK_TOKEN is not set" in r.getMessage()]
    assert len(said) == 1
    _nothing_written(bot, slack)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "the body is not valid JSON"),
        (b'"a string"', "must be a JSON object"),
        (json.dumps({**webhook([alert("a")]), "version": "2"}).encode(), "version"),
        (json.dumps({**webhook([alert("a")]), "alerts": "many"}).encode(), "alerts:"),
        (json.dumps(webhook([{**alert("a"), "labels": {}}])).encode(), "alerts.0.labels"),
        ('{"version": "4", "x": "\udcff"}'.encode("utf-8", "surrogatepass"), "not valid UTF-8"),
    ],
)
def test_a_bad_payload_gets_400_with_the_reason(start_service, slack, body, reason):
    bot = start_service()
    response = _send(bot, body)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    _nothing_written(bot, slack)


def test_escaped_lone_surrogates_and_nul_characters_are_stored_cleaned(start_service, slack):
    bot = start_service()
    payload = webhook([alert("api-1", annotations={"summary": "bad \\ud800 text \\u0000 here"})])
    text = json.dumps(payload).replace("\\\\ud800", "\\ud800").replace("\\\\u0000", "\\u0000")
    response = _send(bot, text.encode())
    assert response.status_code == 200, response.text
    [stored] = groups.group_snapshot(bot.ctx, response.json()["group_id"]).firing
    assert stored.annotations["summary"] == "bad ? text  here"


def test_a_body_over_the_cap_gets_413_whether_announced_or_streamed(start_service, slack):
    config = Config(alerts={"max_body_bytes": 64 * 1024})
    bot = start_service(config_override=config)
    big = webhook([alert(f"api-{n}", annotations={"pad": "x" * 2000}) for n in range(40)])
    assert _send(bot, big).status_code == 413  # by Content-Length

    def chunks():
        payload = json.dumps(big).encode()
        for start in range(0, len(payload), 8192):
            yield payload[start : start + 8192]

    response = httpx.post(
        bot.url + "/alerts/alertmanager", content=chunks(), headers=AUTH, timeout=10
    )
    assert response.status_code == 413  # chunked: counted while reading
    assert "alerts.max_body_bytes" in response.json()["error"]
    _nothing_written(bot, slack)
    assert _send(bot, webhook([alert("small")])).status_code == 200


def _raw_post(
    bot, head: dict[str, str], body_parts: list[bytes], pause: float = 0.0
) -> tuple[int, bytes]:
    """POST over a plain socket, sending every part before reading the answer: the way
    Alertmanager's client writes a whole body, and sees a broken pipe if the server has
    stopped reading and closed."""
    url = urlsplit(bot.url)
    lines = [
        "POST /alerts/alertmanager HTTP/1.1",
        f"Host: {url.hostname}",
        f"Authorization: Bearer {ALERT_TOKEN}",
        "Content-Type: application/json",
        *[f"{name}: {value}" for name, value in head.items()],
    ]
    with socket.create_connection((url.hostname, url.port), timeout=20) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for part in body_parts:
            conn.sendall(part)
            time.sleep(pause)  # a sender on a slow link
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < 10:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    return status, answer.split(b"\r\n\r\n", 1)[1]


def test_a_refused_body_is_read_to_its_end_so_the_sender_sees_the_413(start_service, slack):
    """8 MB against a 64 KiB cap, from a sender that asks to close the connection after
    one request. A server that answers before reading the body closes the connection while
    the sender is still writing, and the sender gets a reset instead of the 413."""
    bot = start_service(config_override=Config(alerts={"max_body_bytes": 64 * 1024}))
    big = b"x" * (8 * 1024 * 1024)
    parts = [big[i : i + 1024 * 1024] for i in range(0, len(big), 1024 * 1024)]
    status, body = _raw_post(
        bot, {"Content-Length": str(len(big)), "Connection": "close"}, parts, pause=0.1
    )
    assert status == 413 and b"alerts.max_body_bytes" in body
    chunked = [
        b"%x\r\n%s\r\n" % (len(big[i : i + 65536]), big[i : i + 65536])
        for i in range(0, len(big), 65536)
    ]
    status, body = _raw_post(bot, {"Transfer-Encoding": "chunked"}, [*chunked, b"0\r\n\r\n"])
    assert status == 413 and b"alerts.max_body_bytes" in body
    _nothing_written(bot, slack)


def test_a_body_announced_beyond_any_drain_is_refused_from_its_headers(start_service, slack):
    bot = start_service(config_override=Config(alerts={"max_body_bytes": 64 * 1024}))
    status, body = _raw_post(bot, {"Content-Length": str(10**9)}, [])
    assert status == 413 and b"alerts.max_body_bytes" in body


def test_a_group_of_8000_alerts_is_accepted_with_the_default_cap(start_service, slack):
    bot = start_service()
    alerts = [
        alert(
            f"node-{n:05d}",
            annotations={"summary": f"disk 95% full on node-{n:05d}", "description": "d" * 300},
        )
        for n in range(8000)
    ]
    payload = json.dumps(webhook(alerts)).encode()
    assert len(payload) > 5 * 1024 * 1024
    tracemalloc.start()
    try:
        response = _send(bot, payload, timeout=60)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    assert groups.group_snapshot(bot.ctx, response.json()["group_id"]).firing_count == 8000
    # Bounded by the body's size, not by a copy of it per layer.
    assert peak < 40 * len(payload), (peak, len(payload))
    parent = slack.wait_for(lambda: _parents(slack) or None)
    assert "8000 firing" in json.dumps(parent[0].blocks)


# --- the thread ------------------------------------------------------------------------------


def test_one_parent_per_group_repeats_change_nothing_changes_update_and_reply(start_service, slack):
    bot = start_service()
    first = _send(bot, webhook([alert("api-1")]))
    assert first.status_code == 200 and first.json()["created"] is True
    slack.wait_for(lambda: len(_parents(slack)) == 1)
    [parent] = _parents(slack)
    shown = json.dumps(parent.blocks)
    assert "HighErrorRate" in shown and "2.5% (threshold 1%)" in shown
    assert "api_high_error_rate" in shown

    assert _send(bot, webhook([alert("api-1")])).json()["changed"] is False
    assert _send(bot, webhook([alert("api-1")])).json()["changed"] is False

    _send(bot, webhook([alert("api-1"), alert("api-2")]))
    slack.wait_for(lambda: len(_replies(slack)) == 1)
    slack.wait_for(lambda: "2 firing" in json.dumps(_parents(slack)[0].blocks))
    assert "new alert(s) firing" in _replies(slack)[0].text
    assert "instance=api-2" in _replies(slack)[0].text

    _send(
        bot,
        webhook(
            [
                alert("api-1", status="resolved", ends="2026-01-05T01:35:00Z"),
                alert("api-2", status="resolved", ends="2026-01-05T01:40:00Z"),
            ]
        ),
    )
    slack.wait_for(lambda: len(_replies(slack)) == 2)
    assert "All alerts resolved" in _replies(slack)[1].text
    slack.wait_for(lambda: "(resolved)" in json.dumps(_parents(slack)[0].blocks))
    assert "after 15m" in json.dumps(_parents(slack)[0].blocks)  # 01:25 -> 01:40
    bot.settle()  # nothing else is on its way
    assert len(slack.ok_calls("chat.postMessage")) == 3
    assert len(_parents(slack)) == 1


def test_grafana_notifications_become_threads_too(start_service, slack):
    bot = start_service()
    response = _send(bot, grafana_webhook(), "/alerts/grafana")
    assert response.status_code == 200
    slack.wait_for(lambda: len(_parents(slack)) == 1)
    shown = json.dumps(_parents(slack)[0].blocks)
    assert "QwenLatencyHigh" in shown and "Sev3" in shown  # severity=warning
    assert "var='B' labels={mode=creative} value=5.2" in shown
    assert "https://grafana.example/d/llm-latency|Dashboard" in shown
    assert "https://wiki.example/runbooks/qwen|Runbook" in shown
    assert "From Grafana" in shown
    assert "Silence" not in shown  # no alertmanager_url, and Grafana silences its own
    _send(bot, grafana_webhook("ok"), "/alerts/grafana")
    slack.wait_for(lambda: len(_replies(slack)) == 1)
    assert "All alerts resolved" in _replies(slack)[0].text


def test_while_slack_is_down_webhooks_answer_at_once_and_threads_catch_up(start_service, slack):
    bot = start_service()
    outage = slack.outage(status=500)
    started = time.monotonic()
    for n in range(5):
        group = webhook([alert("api-1")], group_key=f"g{n}")
        assert _send(bot, group).status_code == 200
    assert _send(bot, webhook([alert("api-1"), alert("api-2")], group_key="g0")).json()["changed"]
    assert time.monotonic() - started < 3
    slack.wait_for(lambda: len(slack.calls("chat.postMessage")) > 0)
    assert _parents(slack) == []
    outage.end()
    slack.wait_for(lambda: len(_parents(slack)) == 5, timeout=15)
    slack.wait_for(lambda: len(_replies(slack)) == 1, timeout=10)
    assert len(_parents(slack)) == 5


def _peak_per_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


def test_a_storm_is_stored_whole_and_posted_at_the_channel_pace(start_service, slack):
    """20 groups of 50 alerts over 2 channels, then 10 of them growing: every alert kept,
    one parent per group, and each channel's posts and replies under one pace."""
    config = Config(
        alerts={"routes": [{"match": {"team": f"t{n}"}, "channel": f"#storm-{n}"} for n in (0, 1)]}
    )
    bot = start_service(config_override=config, channel_rate=5.0, channel_burst=2.0)

    def body(group: int, size: int) -> dict:
        labels = {"alertname": f"Storm{group}", "severity": "critical", "team": f"t{group % 2}"}
        members = [alert(f"n{i}", alertname=f"Storm{group}", labels=labels) for i in range(size)]
        return webhook(members, group_key=f"storm-{group}", common_labels=labels)

    for group in range(20):
        assert _send(bot, body(group, 50)).status_code == 200
    for group in range(10):
        assert _send(bot, body(group, 100)).status_code == 200
    slack.wait_for(
        lambda: sum(len(_replies(slack, f"storm-{n}")) for n in (0, 1)) == 10, timeout=15
    )
    assert sum(len(_parents(slack, f"storm-{n}")) for n in (0, 1)) == 20
    stored = groups.list_groups(bot.ctx, limit=None)
    assert sum(groups.group_snapshot(bot.ctx, g.id).firing_count for g in stored) == 1500
    for n in (0, 1):
        channel = slack.workspace.channel(f"storm-{n}").id
        times = [
            c.at
            for c in slack.ok_calls("chat.postMessage")
            if c.params["channel"] in (f"#storm-{n}", channel)
        ]
        assert len(times) == 15
        assert _peak_per_second(times) <= 2 + 5 + 1  # burst + rate (+1 at the window's edge)


# --- buttons ---------------------------------------------------------------------------------


def test_acknowledge_records_who_and_a_second_press_is_told_who_was_first(start_service, slack):
    bot = start_service()
    group_id = _send(bot, webhook([alert("api-1")])).json()["group_id"]
    slack.wait_for(lambda: len(_parents(slack)) == 1)
    for user, key in (("U0ALICE", "a"), ("U0BOB", "b")):
        press = _block_action("alert_acknowledge", str(group_id), user, slack.response_url(key))
        assert bot.interact(press).status_code == 200
        slack.wait_for(lambda key=key: slack.workspace.responses(key))
    [first] = slack.workspace.responses("a")
    [second] = slack.workspace.responses("b")
    assert "You acknowledged *HighErrorRate*" in first.payload["text"]
    assert "already acknowledged by <@U0ALICE>" in second.payload["text"]
    slack.wait_for(lambda: "<@U0ALICE> at" in json.dumps(_parents(slack)[0].blocks))
    assert "alert_acknowledge" not in json.dumps(_parents(slack)[0].blocks)
    slack.wait_for(lambda: any("acknowledged" in m.text for m in _replies(slack)))


def test_declare_incident_opens_the_prefilled_form_and_links_both_ways(start_service, slack):
    bot = start_service()
    group_id = _send(bot, webhook([alert("api-1")])).json()["group_id"]
    press = _block_action(
        "alert_declare_incident", str(group_id), "U0ALICE", slack.response_url("d")
    )
    bot.interact(press)
    slack.wait_for(lambda: slack.ok_calls("views.open"))
    view = slack.ok_calls("views.open")[0].params["view"]
    assert view["callback_id"] == "incident_create"
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert blocks["title"]["initial_value"] == "HighErrorRate: API error rate above 1%"
    assert blocks["severity"]["initial_option"]["value"] == "Sev2"
    values = {
        "title": {"value": {"type": "plain_text_input", "value": "API errors"}},
        "severity": {"value": {"type": "static_select", "selected_option": {"value": "Sev2"}}},
    }
    submission = view_submission(view, values)
    assert bot.interact(submission).status_code == 200
    [incident] = incidents.list_incidents(bot.ctx)
    assert groups.get_group(bot.ctx, group_id).incident_id == incident.id
    slack.wait_for(lambda: any(incident.id in m.text for m in _replies(slack)))
    timeline = incidents.get_timeline(bot.ctx, incident.id)[1]
    assert [e.kind for e in timeline] == ["created", "alert_group"]
    slack.wait_for(
        lambda: any(
            "linked alert group" in m.text
            for m in slack.messages("incidents", include_replies=True)
        )
    )
    # A second form for the same alerts (opened before the first was sent) is refused.
    again = bot.interact(submission).json()
    assert again["response_action"] == "errors"
    assert incident.id in again["errors"]["title"]
    assert len(incidents.list_incidents(bot.ctx)) == 1


# --- never a 500 -----------------------------------------------------------------------------


@pytest.fixture
def service_once(start_service):
    return start_service()


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
_alertish = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["firing", "resolved", "other"]),
        "labels": st.dictionaries(st.text(max_size=8), st.text(max_size=8) | st.integers()),
        "startsAt": st.sampled_from(["2026-01-05T01:25:00Z", "0001-01-01T00:00:00Z", "x", 5]),
    },
    optional={
        "endsAt": st.sampled_from(["0001-01-01T00:00:00Z", "2026-01-05T01:25:00", None]),
        "fingerprint": st.text(max_size=70),
        "annotations": st.dictionaries(st.text(max_size=8), st.text(max_size=30)),
        "values": st.dictionaries(st.text(max_size=4), _json),
    },
)
_payloads = st.fixed_dictionaries(
    {
        "version": st.sampled_from(["4", "1", 4, None]),
        "groupKey": st.text(max_size=30),
        "status": st.sampled_from(["firing", "resolved", "?"]),
        "alerts": st.lists(_alertish, max_size=3) | _json,
    },
    optional={"commonLabels": _json, "truncatedAlerts": st.integers(), "receiver": _json},
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=_payloads | _json, path=st.sampled_from(["/alerts/alertmanager", "/alerts/grafana"]))
def test_odd_payloads_never_get_a_500(service_once, payload, path):
    response = _send(service_once, payload, path)
    assert response.status_code in (200, 400), response.text


def test_metrics_count_webhooks_and_firing_groups(start_service, slack):
    bot = start_service()
    _send(bot, webhook([alert("api-1")]))
    _send(bot, webhook([alert("api-1")]), headers={})
    text = bot.get("/metrics").text
    assert 'sre_bot_alert_groups_firing{severity="Sev2"} 1.0' in text
    assert 'sre_bot_alert_webhooks_total{result="ok",source="alertmanager"}' in text
    assert 'sre_bot_alert_webhooks_total{result="unauthorized",source="alertmanager"}' in text


def test_routes_send_groups_to_their_channel_and_tag_people(start_service, slack):
    config = Config(
        slack=SlackConfig(alert_channel="#alerts"),
        alerts={"routes": [{"match": {"team": "llm"}, "channel": "#llm", "mention": ["U0ONCALL"]}]},
    )
    bot = start_service(config_override=config)
    labels = {"alertname": "QwenDown", "team": "llm"}
    _send(bot, webhook([alert("q", labels=labels)], group_key="llm", common_labels=labels))
    _send(bot, webhook([alert("api-1")]))
    slack.wait_for(lambda: len(_parents(slack, "llm")) == 1 and len(_parents(slack)) == 1)
    assert "cc <@U0ONCALL>" in json.dumps(_parents(slack, "llm")[0].blocks)
