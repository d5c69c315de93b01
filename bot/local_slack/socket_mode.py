"""Socket Mode for the local Slack: the WebSocket that `apps.connections.open` hands out.

`apps.connections.open` (app-level `xapp-` token) answers a one-time URL
`ws://127.0.0.1:PORT/link/?ticket=...`. A client that opens it gets Slack's `hello`, then the
envelopes the emulator sends (`SocketMode.send`), each answered by the client's ack
`{"envelope_id": ..., "payload": {...}}`. The WebSocket is a minimal RFC 6455 server over the
connection the HTTP server accepted: text frames, ping/pong and close; fragmented and binary
messages are refused with a close frame.

Envelopes and acks are recorded as calls (`socket_mode.envelope`, `socket_mode.ack`): an envelope
is pending (status 0) until its ack, then 200; one never acked keeps status 0 and gets an error.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import secrets
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qs

from bot.local_slack.workspace import Workspace

log = logging.getLogger(__name__)

ENVELOPE_METHOD = "socket_mode.envelope"
ACK_METHOD = "socket_mode.ack"
ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")
# Interaction types whose ack may carry an answer (errors, options, a next view).
_ANSWERING_INTERACTIONS = {"view_submission", "block_suggestion"}

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_MESSAGE = 16 * 1024 * 1024
# Slack pings its clients too. slack_sdk's builtin client holds its receive lock for up to 3 s
# in a blocking recv, and its close() waits for that lock: frequent pings let it close promptly.
PING_INTERVAL = 0.2

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED = 1003
CLOSE_INVALID_DATA = 1007
CLOSE_TOO_BIG = 1009

BeginCall = Callable[[str, dict[str, Any]], object]
EndCall = Callable[[object, int, str | None], None]


class SocketModeError(RuntimeError):
    """No Socket Mode client is connected, or the client did not ack an envelope in time."""


class ProtocolError(Exception):
    """A frame the server will not take; the connection is closed with `code`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Frame:
    fin: bool
    opcode: int
    payload: bytes
    masked: bool


def accept_key(key: str) -> str:
    """The `Sec-WebSocket-Accept` answer to a client's `Sec-WebSocket-Key`."""
    digest = hashlib.sha1((key + WEBSOCKET_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def _apply_mask(data: bytes, mask: bytes) -> bytes:
    if not data:
        return data
    n = len(data)
    key = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")


def encode_frame(
    opcode: int, payload: bytes = b"", *, fin: bool = True, mask: bytes | None = None
) -> bytes:
    """One frame. Servers send unmasked frames; pass a 4-byte `mask` to build a client's."""
    head = bytearray([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if mask is not None else 0
    n = len(payload)
    if n <= 125:
        head.append(mask_bit | n)
    elif n <= 0xFFFF:
        head.append(mask_bit | 126)
        head += struct.pack("!H", n)
    else:
        head.append(mask_bit | 127)
        head += struct.pack("!Q", n)
    if mask is not None:
        return bytes(head) + mask + _apply_mask(payload, mask)
    return bytes(head) + payload


def _read_exactly(stream: BinaryIO, n: int) -> bytes | None:
    data = stream.read(n) if n else b""
    if data is None or len(data) < n:
        return None
    return data


def read_frame(stream: BinaryIO, max_size: int = MAX_MESSAGE) -> Frame | None:
    """The next frame from `stream`, unmasked; None when the stream ends (even mid-frame)."""
    head = _read_exactly(stream, 2)
    if head is None:
        return None
    b1, b2 = head
    if b1 & 0x70:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "reserved bits are set")
    fin, opcode, masked, length = bool(b1 & 0x80), b1 & 0x0F, bool(b2 & 0x80), b2 & 0x7F
    if length >= 126:
        size = 2 if length == 126 else 8
        raw = _read_exactly(stream, size)
        if raw is None:
            return None
        length = struct.unpack("!H" if size == 2 else "!Q", raw)[0]
    if opcode >= OP_CLOSE and (not fin or length > 125):
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "control frames must be whole and short")
    if length > max_size:
        raise ProtocolError(CLOSE_TOO_BIG, "message too big")
    mask = _read_exactly(stream, 4) if masked else b""
    payload = _read_exactly(stream, length)
    if mask is None or payload is None:
        return None
    return Frame(fin, opcode, _apply_mask(payload, mask) if masked else payload, masked)


class _Connection:
    """One client's WebSocket. Frames are sent under `send_lock` from any thread."""

    def __init__(self, sock: socket.socket) -> None:
        self.id = uuid.uuid4().hex
        self.sock = sock
        self.open = True
        self.ended = threading.Event()
        self.send_lock = threading.Lock()
        self._close_sent = False

    def send(self, opcode: int, payload: bytes = b"") -> None:
        """Send one frame; raises OSError when the connection is gone."""
        with self.send_lock:
            if self._close_sent:
                raise BrokenPipeError("the connection is closing")
            self.sock.sendall(encode_frame(opcode, payload))

    def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Send a close frame (once) and end the TCP connection; the reader then sees the end."""
        with self.send_lock:
            if not self._close_sent:
                self._close_sent = True
                with contextlib.suppress(OSError):
                    body = struct.pack("!H", code) + reason.encode()[:123]
                    self.sock.sendall(encode_frame(OP_CLOSE, body))
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


_UNANSWERED = object()


class SocketMode:
    """The Socket Mode side of a `LocalSlackServer`; state sits behind the workspace's lock.

    `begin(method, params)` records a pending call and returns a handle that
    `end(handle, status, error)` completes. Clients are pinged every `ping_interval` seconds.
    """

    def __init__(
        self,
        workspace: Workspace,
        begin: BeginCall,
        end: EndCall,
        *,
        ping_interval: float | None = PING_INTERVAL,
    ) -> None:
        self.workspace = workspace
        self.ping_interval = ping_interval
        self._begin = begin
        self._end = end
        self._tickets: set[str] = set()
        self._connections: dict[str, _Connection] = {}
        self._acks: dict[str, object] = {}  # envelope_id -> the ack, or _UNANSWERED
        self._closed = False

    # ---- apps.connections.open and the handshake

    def issue_url(self, host: str, port: int) -> str:
        """A one-time WebSocket URL, as `apps.connections.open` answers."""
        ticket = secrets.token_hex(16)
        with self.workspace.condition:
            self._tickets.add(ticket)
        return f"ws://{host}:{port}/link/?ticket={ticket}&app_id={self.workspace.app_id}"

    def serve(self, request: BaseHTTPRequestHandler, query: str) -> tuple[int, str] | None:
        """Upgrade `request` to a WebSocket and serve it until it closes (in the request's thread).

        Returns (HTTP status, reason) when the handshake is refused, for the caller to answer.
        """
        request.close_connection = True
        headers = request.headers
        upgrade = headers.get("Upgrade", "").lower()
        connection = {t.strip().lower() for t in headers.get("Connection", "").split(",")}
        if request.command != "GET" or upgrade != "websocket" or "upgrade" not in connection:
            return 426, "websocket_upgrade_required"
        if headers.get("Sec-WebSocket-Version", "").strip() != "13":
            return 426, "unsupported_websocket_version"
        key = headers.get("Sec-WebSocket-Key", "").strip()
        try:
            valid_key = len(base64.b64decode(key, validate=True)) == 16
        except (binascii.Error, ValueError):
            valid_key = False
        if not valid_key:
            return 400, "invalid_websocket_key"
        ticket = (parse_qs(query).get("ticket") or [""])[-1]
        with self.workspace.condition:
            if self._closed:
                return 503, "server_stopping"
            if ticket not in self._tickets:
                return 401, "invalid_ticket"
            self._tickets.discard(ticket)

        sock: socket.socket = request.connection
        conn = _Connection(sock)
        try:
            sock.sendall(
                (
                    "HTTP/1.1 101 Switching Protocols\r\n"
                    "Upgrade: websocket\r\n"
                    "Connection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
                ).encode("ascii")
            )
        except OSError:
            log.debug("local slack: Socket Mode client left during the handshake")
            return None
        # Registered and greeted under the connection's send lock: an envelope sent as soon as
        # the connection is visible still follows the hello. A failed hello ends the read loop.
        with conn.send_lock:
            with self.workspace.condition:
                registered = not self._closed
                if registered:
                    self._connections[conn.id] = conn
                    self.workspace.condition.notify_all()
                count = len(self._connections)
            if registered:
                with contextlib.suppress(OSError):
                    sock.sendall(encode_frame(OP_TEXT, self._hello(count)))
        if not registered:
            conn.close(CLOSE_GOING_AWAY, "server stopping")
            return None
        log.debug("local slack: Socket Mode connection %s open", conn.id)
        if self.ping_interval:
            threading.Thread(
                target=self._ping_loop,
                args=(conn, self.ping_interval),
                name=f"local-slack-ping-{conn.id[:8]}",
                daemon=True,
            ).start()
        try:
            self._read_loop(conn, cast(BinaryIO, request.rfile))
        finally:
            conn.ended.set()
            with self.workspace.condition:
                conn.open = False
                self._connections.pop(conn.id, None)
                self.workspace.condition.notify_all()
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            log.debug("local slack: Socket Mode connection %s closed", conn.id)
        return None

    def _hello(self, num_connections: int) -> bytes:
        hello = {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {
                "host": "local-slack",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.workspace.app_id},
        }
        return json.dumps(hello).encode()

    @staticmethod
    def _ping_loop(conn: _Connection, interval: float) -> None:
        while not conn.ended.wait(interval):
            try:
                conn.send(OP_PING, str(time.time()).encode())
            except OSError:
                return

    def _read_loop(self, conn: _Connection, stream: BinaryIO) -> None:
        try:
            while (frame := read_frame(stream)) is not None and self._handle_frame(conn, frame):
                pass
        except ProtocolError as e:
            conn.close(e.code, e.reason)
        except OSError:
            log.debug("local slack: Socket Mode connection %s reset", conn.id)

    def _handle_frame(self, conn: _Connection, frame: Frame) -> bool:
        """Act on one frame; False once the connection is done."""
        if not frame.masked:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "client frames must be masked")
        if frame.opcode == OP_CONTINUATION or not frame.fin:
            raise ProtocolError(CLOSE_UNSUPPORTED, "fragmented messages are not supported")
        if frame.opcode == OP_TEXT:
            try:
                text = frame.payload.decode("utf-8")
            except UnicodeDecodeError as e:
                raise ProtocolError(CLOSE_INVALID_DATA, "text is not UTF-8") from e
            self._on_message(text)
        elif frame.opcode == OP_BINARY:
            raise ProtocolError(CLOSE_UNSUPPORTED, "binary messages are not supported")
        elif frame.opcode == OP_PING:
            conn.send(OP_PONG, frame.payload)
        elif frame.opcode == OP_PONG:
            pass  # the answer to a heartbeat ping
        elif frame.opcode == OP_CLOSE:
            if len(frame.payload) == 1:
                raise ProtocolError(CLOSE_PROTOCOL_ERROR, "malformed close frame")
            code = struct.unpack("!H", frame.payload[:2])[0] if frame.payload else CLOSE_NORMAL
            conn.close(code)
            return False
        else:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"unknown opcode {frame.opcode}")
        return True

    def _on_message(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("envelope_id"), str):
            log.warning("local slack: Socket Mode client sent a message that is no ack: %r", text)
            return
        envelope_id = message["envelope_id"]
        with self.workspace.condition:
            waiting = self._acks.get(envelope_id) is _UNANSWERED
            call = self._begin(ACK_METHOD, message)
            self._end(call, 200, None if waiting else "unknown_envelope_id")
            if waiting:
                self._acks[envelope_id] = message
            self.workspace.condition.notify_all()

    # ---- envelopes

    def connections(self) -> int:
        """How many clients are connected now."""
        with self.workspace.condition:
            return len(self._connections)

    def connected(self, timeout: float = 5.0) -> bool:
        """Wait up to `timeout` seconds for a client to be connected (hello sent)."""
        return bool(self.workspace.wait_for(lambda: self._connections, timeout))

    def send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        timeout: float = 5.0,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> dict[str, Any] | None:
        """Deliver an envelope to the newest connection and wait for its ack; returns the ack's
        payload (None if it has none). Raises SocketModeError without a client or an ack."""
        if envelope_type not in ENVELOPE_TYPES:
            raise ValueError(f"envelope type {envelope_type!r} is not one of {ENVELOPE_TYPES}")
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type == "slash_commands" or (
                envelope_type == "interactive" and payload.get("type") in _ANSWERING_INTERACTIONS
            )
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":  # Slack retries events only, and says so
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        text = json.dumps(envelope, ensure_ascii=False)
        ws = self.workspace
        with ws.condition:
            if not self._connections:
                raise SocketModeError("no Socket Mode client is connected")
            conn = list(self._connections.values())[-1]
            self._acks[envelope_id] = _UNANSWERED
            call = self._begin(ENVELOPE_METHOD, json.loads(text))  # as sent, not the caller's
        with contextlib.suppress(OSError):  # a gone connection is reported below
            conn.send(OP_TEXT, text.encode())
        with ws.condition:
            ws.condition.wait_for(
                lambda: self._acks[envelope_id] is not _UNANSWERED or not conn.open, timeout
            )
            ack = self._acks.pop(envelope_id)
            if isinstance(ack, dict):
                self._end(call, 200, None)
                answer = ack.get("payload")
                return answer if isinstance(answer, dict) else None
            error = "operation_timeout" if conn.open else "connection_closed"
            self._end(call, 0, error)
        why = "before its connection closed" if error == "connection_closed" else f"in {timeout} s"
        raise SocketModeError(f"no ack for {envelope_type} envelope {envelope_id} {why}")

    # ---- shutdown

    def close(self, timeout: float = 2.0) -> None:
        """Refuse new clients, send every client a close frame (1001) and wait for them to end."""
        with self.workspace.condition:
            self._closed = True
            self._tickets.clear()
            connections = list(self._connections.values())
        for conn in connections:
            conn.close(CLOSE_GOING_AWAY, "server stopping")
        self.workspace.wait_for(lambda: not self._connections, timeout)
