"""The terminal end to end: a person's lines in, signed Slack requests to a stub bot out."""

from __future__ import annotations

import io
import json
import os
import threading
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.local_slack.terminal import run_terminal
from bot.local_slack.terminal_base import BotLink
from tests.fakes.slack import FakeSlack

SECRET = "local-signing-secret"

Reply = tuple[int, Any]  # HTTP status and a JSON-able body (None: empty, str: plain text)
Behaviour = Callable[["StubBot", dict[str, Any]], Reply]


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


SEVERITIES = [{"text": plain(f"SEV{n}"), "value": f"sev{n}"} for n in (1, 2, 3)]


def declare_modal(title: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "declare",
        "private_metadata": "from-command",
        "notify_on_close": True,
        "title": plain("장애 선언"),
        "submit": plain("Declare"),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Declare an *incident*"}},
            {
                "type": "input",
                "block_id": "title",
                "label": plain("Title"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "initial_value": title,
                },
            },
            {
                "type": "input",
                "block_id": "severity",
                "label": plain("Severity"),
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": SEVERITIES,
                    "initial_option": SEVERITIES[1],
                },
            },
            {
                "type": "input",
                "block_id": "summary",
                "optional": True,
                "label": plain("Summary"),
                "element": {"type": "plain_text_input", "action_id": "value", "multiline": True},
            },
            {
                "type": "input",
                "block_id": "commander",
                "label": plain("Commander"),
                "element": {"type": "users_select", "action_id": "value"},
            },
            {
                "type": "input",
                "block_id": "services",
                "optional": True,
                "label": plain("Services"),
                "element": {
                    "type": "checkboxes",
                    "action_id": "value",
                    "options": [
                        {"text": plain("Qwen"), "value": "qwen"},
                        {"text": plain("Gateway"), "value": "gw"},
                    ],
                },
            },
        ],
    }


def incident_blocks(acknowledged: bool) -> list[dict[str, Any]]:
    buttons = [] if acknowledged else [("Acknowledge", "incident_acknowledge")]
    buttons.append(("Resolve", "incident_resolve"))
    return [
        {"type": "header", "text": plain("SEV2 · Qwen LLM 장애")},
        {
            "type": "actions",
            "block_id": "incident_actions",
            "elements": [
                {"type": "button", "text": plain(label), "action_id": action, "value": "42"}
                for label, action in buttons
            ],
        },
    ]


class StubBot:
    """Stands in for the bot: checks Slack's signature, records requests, replies by `behaviour`."""

    def __init__(self, slack: FakeSlack, behaviour: Behaviour, secret: str = SECRET) -> None:
        self.slack = slack
        self.client = WebClient(token="xoxb-test", base_url=slack.api_url)
        self.behaviour = behaviour
        self.verifier = SignatureVerifier(secret)
        self.requests: list[dict[str, Any]] = []
        self.rejected = 0
        self.threads: list[threading.Thread] = []
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                kind = self.headers["Content-Type"]
                assert kind in ("application/x-www-form-urlencoded", "application/json")
                assert self.path == "/slack/events"
                if not bot.verifier.is_valid_request(body, dict(self.headers)):
                    bot.rejected += 1
                    status, reply = 401, "invalid signature"
                else:
                    form = {k: v[0] for k, v in parse_qs(body).items()}
                    if kind == "application/json":  # the Events API
                        request = json.loads(body)
                    else:
                        request = json.loads(form["payload"]) if "payload" in form else form
                    bot.requests.append(request)
                    status, reply = bot.behaviour(bot, request)
                data = b"" if reply is None else str(reply).encode()
                kind = "text/plain"
                if isinstance(reply, dict):
                    data, kind = json.dumps(reply).encode(), "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/slack/events"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def later(self, work: Callable[[], Any]) -> None:
        """Do `work` after answering, like a Bolt listener that acks first."""
        thread = threading.Thread(target=work)
        self.threads.append(thread)
        thread.start()

    def respond(self, url: str, **payload: Any) -> None:
        request = urllib.request.Request(
            url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.read() == b"ok"

    def close(self) -> None:
        for thread in self.threads:
            thread.join()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(channels=["incidents", "alerts"])
    yield fake
    fake.close()


@pytest.fixture
def stub(slack: FakeSlack) -> Iterator[Callable[[Behaviour], StubBot]]:
    bots: list[StubBot] = []

    def start(behaviour: Behaviour, secret: str = SECRET) -> StubBot:
        bot = StubBot(slack, behaviour, secret)
        bots.append(bot)
        return bot

    yield start
    for bot in bots:
        bot.close()


def play(slack: FakeSlack, bot: StubBot | str, lines: list[str], **kwargs: Any) -> str:
    out = io.StringIO()
    url = bot if isinstance(bot, str) else bot.url
    clock = kwargs.pop("clock", None)
    link = BotLink(slack.workspace, slack, url, SECRET, *([clock] if clock else []))
    run_terminal(
        link,
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        stdout=out,
        user_name=kwargs.pop("user_name", "alice"),
        **kwargs,
    )
    return out.getvalue()


def incident_bot(bot: StubBot, request: dict[str, Any]) -> Reply:
    """/incident create TITLE opens the form; submitting posts the incident; buttons act on it."""
    kind = request.get("type") or "command"
    if kind == "command":
        title = request["text"].removeprefix("create ").strip()
        bot.later(
            lambda: bot.client.views_open(
                trigger_id=request["trigger_id"], view=declare_modal(title)
            )
        )
        return 200, {"response_type": "ephemeral", "text": f"Opening the form for “{title}”"}
    if kind == "view_submission":
        values = request["view"]["state"]["values"]
        if values["severity"]["value"]["selected_option"]["value"] == "sev1":
            return 200, {"response_action": "errors", "errors": {"severity": "SEV1 needs a VP"}}
        bot.client.chat_postMessage(
            channel="incidents", text="SEV2 incident", blocks=incident_blocks(False)
        )
        return 200, None
    if kind == "block_actions":
        action = request["actions"][0]["action_id"]
        if action == "incident_acknowledge":
            bot.respond(
                request["response_url"],
                replace_original=True,
                text="acknowledged",
                blocks=incident_blocks(True),
            )
            bot.client.chat_postMessage(
                channel=request["channel"]["id"],
                thread_ts=request["container"]["message_ts"],
                text=f"<@{request['user']['id']}> acknowledged",
            )
        return 200, None
    return 200, None


def test_declare_acknowledge_flow(slack: FakeSlack, stub: Callable[..., StubBot]) -> None:
    bot = stub(incident_bot)
    out = play(
        slack,
        bot,
        [
            "/incident create Qwen LLM failure",
            "",  # keep the title
            "1",  # SEV1 → the bot refuses
            "첫 줄",
            "둘째 줄",
            ".",
            "bob",
            "1,2",
            "submit",
            "2",  # asked again: SEV2
            "submit",
            "1",  # Acknowledge
            "as carol",
            "1",  # the button is gone from the edited message
            "2",  # Resolve (same message, still there)
        ],
    )
    command, first, second, ack, resolve = bot.requests
    assert command["command"] == "/incident"
    assert command["text"] == "create Qwen LLM failure"
    assert command["channel_name"] == "incidents"
    assert command["user_name"] == "alice"
    assert command["response_url"].startswith(slack.response_url(""))
    assert slack.ok_calls("views.open")[0].params["trigger_id"] == command["trigger_id"]

    assert first["type"] == "view_submission"
    assert first["view"]["callback_id"] == "declare"
    assert first["view"]["private_metadata"] == "from-command"
    values = first["view"]["state"]["values"]
    assert values["title"]["value"] == {"type": "plain_text_input", "value": "Qwen LLM failure"}
    assert values["summary"]["value"]["value"] == "첫 줄\n둘째 줄"
    bob = slack.workspace.user("bob", create=False)
    assert bob is not None
    assert values["commander"]["value"] == {"type": "users_select", "selected_user": bob.id}
    assert [o["value"] for o in values["services"]["value"]["selected_options"]] == ["qwen", "gw"]
    assert (
        second["view"]["state"]["values"]["severity"]["value"]["selected_option"] == (SEVERITIES[1])
    )

    [incident] = slack.messages("incidents")
    assert ack["type"] == "block_actions"
    assert ack["container"] == {
        "type": "message",
        "message_ts": incident.ts,
        "channel_id": "C0001",
        "is_ephemeral": False,
    }
    assert ack["message"]["ts"] == incident.ts
    assert ack["actions"][0]["action_id"] == "incident_acknowledge"
    assert ack["actions"][0]["value"] == "42"
    assert ack["user"]["name"] == "alice"
    assert resolve["actions"][0]["action_id"] == "incident_resolve"
    assert resolve["user"]["name"] == "carol"

    assert "Opening the form for “Qwen LLM failure”" in out
    assert "(only visible to you)" in out
    assert "┌ modal “장애 선언” (V0001)" in out
    assert "! Severity: SEV1 needs a VP" in out
    assert "== SEV2 · Qwen LLM 장애 ==" in out
    assert "[1] Acknowledge  [2] Resolve" in out
    assert "(edited)" in out
    assert f"↳ thread of {incident.ts}" in out
    assert "@alice acknowledged" in out
    assert "you are now @carol" in out
    assert "button [1] is gone" in out
    assert "to fill it in" not in out  # the modal was shown, not announced
    assert out.rstrip().endswith("Ctrl-C to stop)")


def step(callback_id: str, label: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(callback_id),
        "submit": plain("Next"),
        "blocks": [
            {
                "type": "input",
                "block_id": callback_id,
                "label": plain(label),
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }


def test_response_actions_push_update_and_clear(
    slack: FakeSlack, stub: Callable[..., StubBot]
) -> None:
    def behaviour(bot: StubBot, request: dict[str, Any]) -> Reply:
        if request.get("type") is None:
            bot.client.views_open(trigger_id=request["trigger_id"], view=step("one", "First"))
            return 200, None
        callback_id = request["view"]["callback_id"]
        if callback_id == "one":
            return 200, {"response_action": "push", "view": step("two", "Second")}
        if callback_id == "two":
            return 200, {"response_action": "update", "view": step("three", "Third")}
        return 200, {"response_action": "clear"}

    bot = stub(behaviour)
    out = play(slack, bot, ["/wizard", "a", "submit", "b", "submit", "c", "submit"])
    submitted = [
        (r["view"]["callback_id"], r["view"]["id"], r["view"]["state"]["values"])
        for r in bot.requests[1:]
    ]
    assert submitted == [
        ("one", "V0001", {"one": {"value": {"type": "plain_text_input", "value": "a"}}}),
        ("two", "V0002", {"two": {"value": {"type": "plain_text_input", "value": "b"}}}),
        ("three", "V0002", {"three": {"value": {"type": "plain_text_input", "value": "c"}}}),
    ]
    assert bot.requests[2]["view"]["previous_view_id"] == "V0001"
    assert all(v.closed for v in slack.workspace.views())
    assert "┌ modal “three” (V0002)" in out


def test_a_late_modal_is_announced_and_can_be_filled_in(
    slack: FakeSlack, stub: Callable[..., StubBot]
) -> None:
    triggers: list[str] = []

    def behaviour(bot: StubBot, request: dict[str, Any]) -> Reply:
        if request.get("type") == "view_submission":
            return 200, None
        if request["command"] == "/later":
            bot.client.views_open(trigger_id=triggers[0], view=step("late", "Why"))
        triggers.append(request["trigger_id"])
        return 200, None

    bot = stub(behaviour)
    out = play(slack, bot, ["/first", "/later", "modal", "because", "submit"])
    assert "(modal V0001 “late” opened — type `modal V0001` to fill it in)" in out
    assert bot.requests[-1]["view"]["state"]["values"]["late"]["value"]["value"] == "because"


def test_cancel_sends_view_closed_when_asked(
    slack: FakeSlack, stub: Callable[..., StubBot]
) -> None:
    bot = stub(incident_bot)
    out = play(slack, bot, ["/incident create Disk full", "", "", "", "dave", "", "cancel"])
    _command, closed = bot.requests
    assert closed["type"] == "view_closed"
    assert closed["view"]["id"] == "V0001"
    assert closed["is_cleared"] is False
    assert "(modal closed)" in out
    view = slack.workspace.view("V0001")
    assert view is not None and view.closed


def test_ephemeral_buttons_press_without_a_message(
    slack: FakeSlack, stub: Callable[..., StubBot]
) -> None:
    def behaviour(bot: StubBot, request: dict[str, Any]) -> Reply:
        if request.get("type") == "block_actions":
            bot.respond(request["response_url"], delete_original=True)
            return 200, None
        blocks = [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Really page <!here>?"}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": plain("Page"),
                        "action_id": "page",
                        "confirm": {
                            "title": plain("Sure?"),
                            "text": plain("Everyone wakes up"),
                            "confirm": plain("Page"),
                            "deny": plain("Stop"),
                        },
                    }
                ],
            },
        ]
        return 200, {"blocks": blocks}

    bot = stub(behaviour)
    out = play(slack, bot, ["/page", "1", "n", "1", "y"])
    _command, press = bot.requests
    assert press["container"]["is_ephemeral"] is True
    assert "message" not in press
    assert "Really page @here?" in out
    assert "(Stop)" in out
    assert slack.workspace.ephemerals() == []
    assert "(removed " in out


def test_in_channel_answers_are_posted_to_the_channel(
    slack: FakeSlack, stub: Callable[..., StubBot]
) -> None:
    bot = stub(lambda bot, request: (200, {"response_type": "in_channel", "text": "SLO 99.9%"}))
    play(slack, bot, ["channel alerts", "/slo qwen"])
    assert bot.requests[0]["channel_name"] == "alerts"
    assert [m.text for m in slack.messages("alerts")] == ["/slo qwen", "SLO 99.9%"]


def test_a_wrong_signing_secret_is_shown_as_the_bots_refusal(
    slack: FakeSlack, stub: Callable[..., StubBot]
) -> None:
    bot = stub(incident_bot, secret="another-secret")
    out = play(slack, bot, ["/incident create x"])
    assert bot.rejected == 1
    assert "! /incident → HTTP 401: invalid signature" in out


def test_an_unreachable_bot_is_reported(slack: FakeSlack) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        url = f"http://127.0.0.1:{closed.server_address[1]}/slack/events"
    out = play(slack, url, ["/incident list"])
    assert "could not reach the bot" in out


def test_help_history_thread_and_unknown_input(
    slack: FakeSlack, stub: Callable[..., StubBot]
) -> None:
    parent = slack.workspace.post_message("incidents", "earlier <#C0001>")
    slack.workspace.post_message("incidents", "a reply", thread_ts=parent.ts)
    bot = stub(incident_bot)
    out = play(slack, bot, ["help", "", "history", f"thread {parent.ts}", "hello?", "7", "quit"])
    assert "as NAME" in out
    assert "earlier #incidents" in out
    assert f"↳ 1 replies: `thread {parent.ts}`" in out
    assert "a reply" in out
    assert "unknown input 'hello?'" in out
    assert "no button [7]" in out
    assert out.rstrip().endswith("bye")
    assert bot.requests == []


class Output(io.StringIO):
    """A stdout that tests can wait on."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def write(self, text: str) -> int:
        with self.changed:
            written = super().write(text)
            self.changed.notify_all()
            return written

    def wait_for(self, text: str, timeout: float = 5.0) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: text in self.getvalue(), timeout), self.getvalue()


def test_bot_posts_appear_as_they_arrive(slack: FakeSlack) -> None:
    out = Output()
    read_fd, write_fd = os.pipe()
    with open(read_fd, encoding="utf-8") as stdin, open(write_fd, "w", encoding="utf-8") as typing:
        done = threading.Thread(
            target=run_terminal,
            args=(BotLink(slack.workspace, slack, "http://127.0.0.1:9/slack/events", SECRET),),
            kwargs={"stdin": stdin, "stdout": out, "user_name": "alice"},
        )
        done.start()
        out.wait_for("help for more")
        WebClient(token="xoxb-test", base_url=slack.api_url).chat_postMessage(
            channel="incidents", text="Deploy finished <@U0002>"
        )
        out.wait_for("Deploy finished @alice")
        typing.write("quit\n")
        typing.flush()
        done.join(timeout=5)
    assert not done.is_alive()
    assert "#incidents  sre-bot · " in out.getvalue()


def test_end_of_input_waits_for_stop_event(slack: FakeSlack) -> None:
    stop = threading.Event()
    out = Output()
    done = threading.Thread(
        target=run_terminal,
        args=(BotLink(slack.workspace, slack, "http://127.0.0.1:9/slack/events", SECRET),),
        kwargs={"stdin": io.StringIO(""), "stdout": out, "user_name": "alice", "stop_event": stop},
    )
    done.start()
    out.wait_for("keep running")
    assert done.is_alive()
    stop.set()
    done.join(timeout=5)
    assert not done.is_alive()


def test_mentions_are_escaped_where_the_manifest_says_and_reach_the_bot(
    slack: FakeSlack, stub: Callable[..., StubBot]
) -> None:
    park = slack.workspace.ensure_user("U0456PARK", "park")
    slack.workspace.set_usergroup("S0SREONCALL", [park.id], handle="sreoncall")
    bot = stub(lambda bot, request: (200, None))
    play(
        slack,
        bot,
        [
            "/oncall cover @park 2026-12-05 2026-12-12 #alerts @sreoncall @here @nobody",
            "/incident create @park is not escaped here",
            "say hello @sre-bot, what now?",
            "@sre-bot help",
            "say no mention here",
            "quit",
        ],
    )
    oncall, incident, mention, second = bot.requests
    alerts = slack.workspace.channel("alerts", create=False)
    assert alerts is not None
    # /oncall has should_escape: true in manifest.yml; /incident has false.
    assert oncall["text"] == (
        f"cover <@U0456PARK|park> 2026-12-05 2026-12-12 <#{alerts.id}|alerts> "
        "<!subteam^S0SREONCALL|@sreoncall> <!here> @nobody"
    )
    assert incident["text"] == "create @park is not escaped here"
    bot_id = slack.workspace.bot.id
    assert mention["type"] == "event_callback"
    event = mention["event"]
    assert event["type"] == "app_mention"
    assert event["text"] == f"hello <@{bot_id}>, what now?"  # messages carry no label
    assert event["user"] == slack.workspace.user("alice", create=False).id
    posted = slack.workspace.message(event["channel"], event["ts"])
    assert posted is not None and posted.text == event["text"]
    assert second["event"]["text"] == f"<@{bot_id}> help"
    assert second["event_id"] != mention["event_id"]
    assert slack.workspace.messages("incidents")[-1].text == "no mention here"
