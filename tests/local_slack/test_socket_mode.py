"""The local Slack's Socket Mode: `apps.connections.open` and its WebSocket server, driven by
slack_sdk's builtin Socket Mode client and by hand-made frames."""

import base64
import json
import os
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin.client import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.local_slack.socket_mode import (
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    Frame,
    SocketModeError,
    accept_key,
    encode_frame,
    read_frame,
)
from tests.fakes.slack import FakeSlack

_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")


@pytest.fixture(autouse=True, scope="module")
def _no_proxy() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in _PROXY_VARIABLES:  # slack_sdk's Socket Mode client would tunnel through one
            monkeypatch.delenv(name, raising=False)
        yield


@dataclass
class App:
    """A Socket Mode client and what it saw. Its listener acks each envelope by `payload["ack"]`:
    `echo` (the default) answers `{"echo": payload}`, `empty` acks without a payload, `never`
    does not ack, `late` acks once `release` is set."""

    client: SocketModeClient
    messages: list[dict] = field(default_factory=list)
    requests: list[SocketModeRequest] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def on_request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        self.requests.append(request)
        mode = request.payload.get("ack", "echo")
        if mode == "never":
            return
        if mode == "late":
            self.release.wait(5)
        payload = {"echo": request.payload} if mode == "echo" else None
        client.send_socket_mode_response(SocketModeResponse(request.envelope_id, payload))


def _app(fake: FakeSlack, **options) -> App:
    client = SocketModeClient(
        app_token="xapp-1", web_client=WebClient(base_url=fake.api_url), **options
    )
    app = App(client)
    client.on_message_listeners.append(lambda raw: app.messages.append(json.loads(raw)))
    client.socket_mode_request_listeners.append(app.on_request)
    return app


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack()
    yield slack
    slack.close()


@pytest.fixture(scope="module")
def app(fake) -> Iterator[App]:
    """One connected client for the module: closing slack_sdk's client takes up to a second."""
    app = _app(fake)
    app.client.connect()
    assert fake.socket_connected(timeout=5.0)
    yield app
    app.client.close()


def _wait(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.01)
    return result


# ---- with slack_sdk's builtin client


def test_the_client_gets_hello_first(app, fake):
    hello = _wait(lambda: app.messages)[0]
    assert hello == {
        "type": "hello",
        "num_connections": 1,
        "debug_info": hello["debug_info"],
        "connection_info": {"app_id": fake.workspace.app_id},
    }
    assert set(hello["debug_info"]) == {"host", "build_number", "approximate_connection_time"}
    assert app.client.is_connected()
    [opened] = fake.calls("apps.connections.open")
    assert opened.ok


def test_an_envelope_reaches_the_listener_and_its_ack_comes_back(app, fake):
    payload = {"command": "/incident", "text": "help", "user_id": "U0ALICE"}
    assert fake.socket_send("slash_commands", payload) == {"echo": payload}
    request = app.requests[-1]
    assert (request.type, request.payload, request.accepts_response_payload) == (
        "slash_commands",
        payload,
        True,
    )
    assert request.retry_attempt is None  # Slack marks retries on events only

    envelope = fake.calls("socket_mode.envelope")[-1]
    ack = fake.calls("socket_mode.ack")[-1]
    assert envelope.ok and ack.ok
    assert envelope.params == {
        "envelope_id": request.envelope_id,
        "type": "slash_commands",
        "payload": payload,
        "accepts_response_payload": True,
    }
    assert ack.params == {"envelope_id": request.envelope_id, "payload": {"echo": payload}}


def test_an_ack_without_payload_answers_none(app, fake):
    event = {"type": "event_callback", "event_id": "Ev01", "event": {"type": "app_mention"}}
    assert fake.socket_send("events_api", {**event, "ack": "empty"}) is None
    request = app.requests[-1]
    assert (request.type, request.accepts_response_payload) == ("events_api", False)
    assert (request.retry_attempt, request.retry_reason) == (0, "")


def test_view_submissions_may_answer_in_their_ack_and_buttons_may_not(app, fake):
    fake.socket_send("interactive", {"type": "view_submission", "ack": "empty"})
    assert app.requests[-1].accepts_response_payload is True
    fake.socket_send("interactive", {"type": "block_actions", "ack": "empty"})
    assert app.requests[-1].accepts_response_payload is False


def test_no_ack_in_time_raises_and_a_late_ack_is_recorded_as_unknown(app, fake):
    with pytest.raises(SocketModeError, match=r"no ack for events_api envelope \S+ in 0\.2 s"):
        fake.socket_send("events_api", {"type": "event_callback", "ack": "never"}, timeout=0.2)
    assert fake.calls("socket_mode.envelope")[-1].error == "operation_timeout"

    with pytest.raises(SocketModeError):
        fake.socket_send("events_api", {"type": "event_callback", "ack": "late"}, timeout=0.2)
    envelope = fake.calls("socket_mode.envelope")[-1]
    app.release.set()
    late = fake.wait_for(
        lambda: [
            c
            for c in fake.calls("socket_mode.ack")
            if c.params["envelope_id"] == envelope.params["envelope_id"]
        ]
    )
    assert late[0].error == "unknown_envelope_id"


def test_unknown_envelope_types_are_refused(fake):
    with pytest.raises(ValueError, match="slash_command"):
        fake.socket_send("slash_command", {})


def test_the_server_answers_the_clients_ping(app):
    session = app.client.current_session
    assert session is not None
    _wait(lambda: session.last_ping_pong_time is not None)


def test_app_level_tokens_only(fake):
    web = WebClient(base_url=fake.api_url)
    opened = web.apps_connections_open(app_token="xapp-1-A0LOCAL-1")
    url = urlsplit(opened["url"])
    assert (url.scheme, url.hostname, url.port, url.path) == (
        "ws",
        "127.0.0.1",
        fake.port,
        "/link/",
    )
    assert "ticket=" in url.query

    for token in ("xoxb-test", "xoxp-test"):
        with pytest.raises(SlackApiError) as refused:
            web.apps_connections_open(app_token=token)
        assert refused.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as refused:
        WebClient(token="xapp-1", base_url=fake.api_url).chat_postMessage(channel="C1", text="x")
    assert refused.value.response["error"] == "not_allowed_token_type"


def test_a_client_with_a_bot_token_cannot_connect():
    with FakeSlack() as slack:
        client = SocketModeClient(
            app_token="xoxb-test", web_client=WebClient(base_url=slack.api_url)
        )
        try:
            with pytest.raises(SlackApiError) as refused:
                client.connect()
            assert refused.value.response["error"] == "not_allowed_token_type"
            assert slack.socket_mode.connections() == 0
        finally:
            client.close()


def test_stop_closes_the_connection():
    slack = FakeSlack()
    app = _app(slack, auto_reconnect_enabled=False)
    closed: list[tuple[int, str | None]] = []
    app.client.on_close_listeners.append(lambda code, reason: closed.append((code, reason)))
    try:
        app.client.connect()
        assert slack.socket_connected(timeout=5.0)
        slack.stop()
        assert slack.socket_mode.connections() == 0
        assert _wait(lambda: closed) == [(1001, "server stopping")]
        _wait(lambda: not app.client.is_connected())
        with pytest.raises(SocketModeError, match="no Socket Mode client is connected"):
            slack.socket_send("slash_commands", {"text": "help"})
    finally:
        app.client.close()
        slack.stop()


def test_send_without_a_client_raises(fake):
    with FakeSlack() as slack:
        assert not slack.socket_connected(timeout=0.05)
        with pytest.raises(SocketModeError, match="no Socket Mode client is connected"):
            slack.socket_send("slash_commands", {"text": "help"})


# ---- by hand: the handshake and frames


class Raw:
    """A WebSocket client made by hand: masked frames out, server frames in."""

    def __init__(self, slack: FakeSlack, url: str | None = None) -> None:
        url = (
            url
            or WebClient(base_url=slack.api_url).apps_connections_open(app_token="xapp-1")["url"]
        )
        parts = urlsplit(url)
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        self.stream = self.sock.makefile("rb")
        self.path = f"{parts.path}?{parts.query}"

    def handshake(self, **headers: str) -> tuple[int, dict[str, str]]:
        fields = {
            "Host": "127.0.0.1",
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": self.key,
            "Sec-WebSocket-Version": "13",
            **{k.replace("_", "-"): v for k, v in headers.items()},
        }
        lines = [f"GET {self.path} HTTP/1.1"] + [f"{k}: {v}" for k, v in fields.items() if v]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status = int(self.stream.readline().split()[1])
        answer: dict[str, str] = {}
        while (line := self.stream.readline().strip()) != b"":
            name, _, value = line.decode().partition(":")
            answer[name.strip().lower()] = value.strip()
        return status, answer

    def send(self, opcode: int, payload: bytes = b"", *, fin: bool = True, mask: bool = True):
        self.sock.sendall(
            encode_frame(opcode, payload, fin=fin, mask=os.urandom(4) if mask else None)
        )

    def next(self, timeout: float = 5.0) -> Frame | None:
        """The next frame from the server that is not its heartbeat ping."""
        deadline = time.monotonic() + timeout
        while (frame := read_frame(self.stream)) is not None and frame.opcode == OP_PING:
            assert time.monotonic() < deadline, f"only pings for {timeout} s"
        return frame

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


@pytest.fixture
def raw_slack() -> Iterator[FakeSlack]:
    slack = FakeSlack()
    yield slack
    slack.close()


@pytest.fixture
def raw(raw_slack) -> Iterator[Raw]:
    conn = Raw(raw_slack)
    status, headers = conn.handshake()
    assert status == 101
    assert headers["sec-websocket-accept"] == accept_key(conn.key)
    assert (headers["upgrade"].lower(), headers["connection"].lower()) == ("websocket", "upgrade")
    hello = conn.next()
    assert hello is not None and hello.opcode == OP_TEXT and not hello.masked
    assert json.loads(hello.payload)["type"] == "hello"
    yield conn
    conn.close()


def _close_code(frame: Frame | None) -> int:
    assert frame is not None and frame.opcode == OP_CLOSE, frame
    return struct.unpack("!H", frame.payload[:2])[0]


def test_accept_key_is_the_rfc_example():
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_a_ticket_opens_one_connection(raw_slack, raw):
    again = Raw(raw_slack, url=f"ws://127.0.0.1:{raw_slack.port}{raw.path}")
    try:
        assert again.handshake()[0] == 401
    finally:
        again.close()


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Upgrade": ""}, 426),
        ({"Connection": "keep-alive"}, 426),
        ({"Sec_WebSocket_Version": "8"}, 426),
        ({"Sec_WebSocket_Key": "not-a-key"}, 400),
    ],
    ids=["no-upgrade", "no-connection-upgrade", "old-version", "bad-key"],
)
def test_bad_handshakes_are_refused(raw_slack, headers, status):
    conn = Raw(raw_slack)
    try:
        assert conn.handshake(**headers)[0] == status
    finally:
        conn.close()
    assert raw_slack.socket_mode.connections() == 0


def test_an_unknown_ticket_is_refused(raw_slack):
    conn = Raw(raw_slack, url=f"ws://127.0.0.1:{raw_slack.port}/link/?ticket=forged")
    try:
        assert conn.handshake()[0] == 401
    finally:
        conn.close()


def test_ping_gets_a_pong_with_the_same_payload(raw):
    raw.send(OP_PING, b"are you there")
    pong = raw.next()
    assert pong is not None and (pong.opcode, pong.payload) == (OP_PONG, b"are you there")


def test_the_server_pings_too(raw_slack, raw):
    frame = read_frame(raw.stream)
    assert frame is not None and frame.opcode == OP_PING


def test_an_ack_as_a_text_frame(raw_slack, raw):
    result: list = []

    def send() -> None:
        try:
            result.append(raw_slack.socket_send("slash_commands", {"text": "hi"}))
        except Exception as e:
            result.append(e)

    sender = threading.Thread(target=send)
    sender.start()
    frame = raw.next()
    assert frame is not None and frame.opcode == OP_TEXT
    envelope = json.loads(frame.payload)
    ack = {"envelope_id": envelope["envelope_id"], "payload": {"text": "안녕 " * 100}}
    raw.send(OP_TEXT, json.dumps(ack, ensure_ascii=False).encode())  # 16-bit length, UTF-8
    sender.join(5)
    assert result == [{"text": "안녕 " * 100}]


def test_the_client_closing_gets_its_close_echoed(raw_slack, raw):
    raw.send(OP_CLOSE, struct.pack("!H", 1000) + b"bye")
    assert _close_code(raw.next()) == 1000
    assert raw.next() is None  # then the server ends the connection
    assert raw_slack.workspace.wait_for(lambda: raw_slack.socket_mode.connections() == 0, 5)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"opcode": OP_TEXT, "payload": b'{"envelope_id": "x"', "fin": False}, 1003),
        ({"opcode": OP_CONTINUATION, "payload": b"}"}, 1003),
        ({"opcode": OP_BINARY, "payload": b"\x00\x01"}, 1003),
        ({"opcode": OP_TEXT, "payload": b"{}", "mask": False}, 1002),
        ({"opcode": OP_TEXT, "payload": b"\xff\xfe"}, 1007),
        ({"opcode": 0x3, "payload": b""}, 1002),
        ({"opcode": OP_PING, "payload": b"x" * 126}, 1002),
    ],
    ids=["fragment", "continuation", "binary", "unmasked", "not-utf8", "reserved-op", "long-ping"],
)
def test_frames_the_server_does_not_take_close_the_connection(raw_slack, raw, frame, code):
    raw.send(**frame)
    assert _close_code(raw.next()) == code
    assert raw.next() is None
    assert raw_slack.workspace.wait_for(lambda: raw_slack.socket_mode.connections() == 0, 5)
