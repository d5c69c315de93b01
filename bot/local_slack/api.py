"""The Slack Web API on 127.0.0.1, over a `Workspace`, for slack_sdk's `WebClient`.

Routes: `POST /api/<method>` (form-encoded or JSON, `Authorization: Bearer xox...`),
`POST /response/<key>` (response_url deliveries), `POST /upload/<file_id>` (the upload URLs
that `files.getUploadURLExternal` hands out) and `GET /link/` (the Socket Mode WebSocket that
`apps.connections.open` hands out; see `socket_mode`). Answers are shaped like Slack's: HTTP
200 with `{"ok": true, ...}` or `{"ok": false, "error": "..."}`.

Every request is recorded as a `Call`. Injected `Fault`s are consulted before a request is
handled: an HTTP status, a 429 with Retry-After, an `ok: false` error, or a delay.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import unquote, urlsplit

from bot.local_slack.blockkit import check_message
from bot.local_slack.methods import Methods, decode_params
from bot.local_slack.objects import SlackError
from bot.local_slack.socket_mode import SocketMode
from bot.local_slack.workspace import Workspace

log = logging.getLogger(__name__)

RESPONSE_URL_METHOD = "response_url"
UPLOAD_METHOD = "upload"
CONNECTIONS_OPEN = "apps.connections.open"


@dataclass(frozen=True)
class Call:
    """One request the server received. `status` is 0 while its answer is still pending."""

    method: str
    params: dict[str, Any]
    status: int
    at: float
    error: str | None = None  # the error of an `ok: false` answer
    fault: str | None = None  # the kind of injected fault that shaped the answer

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass
class Fault:
    """An injected failure for `method` (or every request, `"*"`), used `times` times (None: until
    removed). kind: `status` (HTTP `status`), `ratelimited` (429 + Retry-After), `error` (200 with
    `ok: false` and `error`) or `hang` (wait `seconds`, then answer normally)."""

    method: str = "*"
    kind: str = "status"
    times: int | None = 1
    status: int = 500
    retry_after: int = 1
    error: str = "internal_error"
    seconds: float = 0.0

    def matches(self, method: str) -> bool:
        return self.method in ("*", method) and (self.times is None or self.times > 0)


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    error: str | None = None


def _json_answer(data: dict[str, Any], status: int = 200) -> _Answer:
    body = json.dumps(data, ensure_ascii=False).encode()
    error = None if data.get("ok", True) else str(data.get("error"))
    return _Answer(status, body, error=error)


def _text_answer(text: str, status: int = 200) -> _Answer:
    error = None if status == 200 else text
    return _Answer(status, text.encode(), "text/plain; charset=utf-8", error=error)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent clients in tests

    def __init__(self, address: tuple[str, int], app: LocalSlackServer) -> None:
        super().__init__(address, _Handler)
        self.app = app

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("local slack: error while serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "LocalSlack/1"

    def do_POST(self) -> None:
        self.server.app._serve(self)

    def do_GET(self) -> None:
        self.server.app._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("local slack: " + format, *args)


class LocalSlackServer(Methods):
    """Serves `workspace` as the Slack Web API; pass `.api_url` as WebClient's `base_url`.

    `token`: the one bearer token accepted; by default any `xoxb-`/`xoxp-` token is.
    `apps.connections.open` takes any app-level `xapp-` token (Socket Mode, `socket_send`).
    """

    def __init__(
        self,
        workspace: Workspace,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str | None = None,
    ) -> None:
        self.workspace = workspace
        self.token = token
        self._httpd = _HTTPServer((host, port), self)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._calls: list[Call] = []
        self._faults: list[Fault] = []
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self.socket_mode = SocketMode(workspace, self._begin_call, self._end_call)
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.join": self._conversations_join,
            "conversations.info": self._conversations_info,
            "conversations.list": self._conversations_list,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "usergroups.users.list": self._usergroups_users_list,
            CONNECTIONS_OPEN: self._apps_connections_open,
        }

    # ---- lifecycle and addresses

    def start(self) -> Self:
        """Serve in a background daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"local-slack-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests held by a `hang` fault are dropped unanswered and Socket Mode
        clients get a close frame."""
        self._stopping.set()
        self.socket_mode.close()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- recorded calls

    def calls(self, method: str | None = None) -> list[Call]:
        """Every request received (faulted ones too), oldest first, optionally for one method."""
        with self.workspace.condition:
            return [c for c in self._calls if method is None or c.method == method]

    def ok_calls(self, method: str | None = None) -> list[Call]:
        """The requests answered with HTTP 200 and `ok: true`."""
        return [c for c in self.calls(method) if c.ok]

    def clear_calls(self) -> None:
        with self.workspace.condition:
            self._calls.clear()

    def activity(self) -> tuple[int, float]:
        """(requests being handled now, `time.monotonic()` of the last request start or end)."""
        with self.workspace.condition:
            return self._in_flight, self._last_activity

    def _begin_call(self, method: str, params: dict[str, Any]) -> Call:
        """Record a call whose answer is still pending (Socket Mode envelopes and acks)."""
        call = Call(method, params, 0, time.time())
        with self.workspace.condition:
            self._calls.append(call)
            self.workspace.condition.notify_all()
        return call

    def _end_call(self, call: object, status: int, error: str | None = None) -> None:
        with self.workspace.condition:
            for index in range(len(self._calls) - 1, -1, -1):
                if self._calls[index] is call:
                    self._calls[index] = replace(self._calls[index], status=status, error=error)
                    break
            self.workspace.condition.notify_all()

    # ---- Socket Mode

    def socket_connected(self, timeout: float = 5.0) -> bool:
        """Wait up to `timeout` seconds for a Socket Mode client to be connected."""
        return self.socket_mode.connected(timeout)

    def socket_send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        timeout: float = 5.0,
        accepts_response_payload: bool | None = None,
    ) -> dict[str, Any] | None:
        """Deliver a Socket Mode envelope (`slash_commands`, `interactive` or `events_api`) to the
        connected client and wait for its ack; returns the ack's payload, or None if it has none.
        Raises `SocketModeError` when no client is connected or no ack comes within `timeout`."""
        return self.socket_mode.send(
            envelope_type,
            payload,
            timeout=timeout,
            accepts_response_payload=accepts_response_payload,
        )

    # ---- fault injection

    def add_fault(self, fault: Fault) -> Fault:
        with self.workspace.condition:
            self._faults.append(fault)
        return fault

    def remove_fault(self, fault: Fault) -> None:
        with self.workspace.condition:
            if fault in self._faults:
                self._faults.remove(fault)

    def clear_faults(self) -> None:
        with self.workspace.condition:
            self._faults.clear()

    def faults(self) -> list[Fault]:
        with self.workspace.condition:
            return list(self._faults)

    def fail(self, method: str = "*", status: int = 500, times: int | None = 1) -> Fault:
        """Answer the next `times` requests for `method` with HTTP `status`."""
        return self.add_fault(Fault(method, "status", times, status=status))

    def rate_limit(self, method: str = "*", retry_after: int = 1, times: int | None = 1) -> Fault:
        """Answer 429 with `Retry-After` and `{"ok": false, "error": "ratelimited"}`."""
        return self.add_fault(Fault(method, "ratelimited", times, retry_after=retry_after))

    def error(self, method: str, error: str, times: int | None = 1) -> Fault:
        """Answer with HTTP 200 and `{"ok": false, "error": error}`."""
        return self.add_fault(Fault(method, "error", times, error=error))

    def hang(self, method: str = "*", seconds: float = 10.0, times: int | None = 1) -> Fault:
        """Hold requests `seconds` before handling them (normally), so clients time out."""
        return self.add_fault(Fault(method, "hang", times, seconds=seconds))

    def _take_fault(self, method: str) -> Fault | None:
        with self.workspace.condition:
            for fault in self._faults:
                if fault.matches(method):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # ---- request handling

    def _serve(self, request: _Handler) -> None:
        url = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length > 0 else b""
        content_type = request.headers.get("Content-Type", "")
        route, _, rest = url.path.lstrip("/").partition("/")
        rest = unquote(rest)
        if route == "api" and rest:
            method = rest
            try:
                params = decode_params(content_type, body, url.query)
                problem = None
            except SlackError as e:
                params, problem = {}, e.error
            token = self._token(request, params)
            answer = self._record(method, params, lambda: self._api(method, params, token, problem))
        elif route == "response" and rest and request.command == "POST":
            try:
                payload = json.loads(body or b"{}")
                problem = None if isinstance(payload, dict) else "invalid_payload"
            except ValueError:
                payload, problem = {}, "invalid_payload"
            params = {"key": rest, **payload} if isinstance(payload, dict) else {"key": rest}
            answer = self._record(
                RESPONSE_URL_METHOD, params, lambda: self._response(rest, payload, problem)
            )
        elif route == "link" and not rest:
            refusal = self.socket_mode.serve(request, url.query)
            answer = _text_answer(refusal[1], refusal[0]) if refusal else None
        elif route == "upload" and rest and request.command == "POST":
            params = {"file_id": rest, "bytes": len(body)}
            answer = self._record(UPLOAD_METHOD, params, lambda: self._upload(rest, body))
        else:
            answer = _text_answer("not_found", 404)
        if answer is not None:
            self._send(request, answer)

    def _record(
        self, method: str, params: dict[str, Any], handle: Callable[[], _Answer]
    ) -> _Answer | None:
        ws = self.workspace
        with ws.condition:
            index = len(self._calls)
            call = Call(method, params, 0, time.time())
            self._calls.append(call)
            self._in_flight += 1
            self._last_activity = time.monotonic()
            ws.condition.notify_all()
        answer: _Answer | None = None
        fault = self._take_fault(method)
        try:
            if fault is not None and fault.kind == "hang":
                if self._stopping.wait(fault.seconds):
                    return None
                answer = handle()
            elif fault is not None:
                answer = self._fault_answer(fault)
            else:
                answer = handle()
            return answer
        except Exception:
            log.exception("local slack: %s failed", method)
            answer = _json_answer({"ok": False, "error": "internal_error"}, 500)
            return answer
        finally:
            with ws.condition:
                # Other threads only append, so the index still points at this call.
                self._calls[index] = replace(
                    call,
                    status=answer.status if answer else 0,
                    error=answer.error if answer else None,
                    fault=fault.kind if fault else None,
                )
                self._in_flight -= 1
                self._last_activity = time.monotonic()
                ws.condition.notify_all()

    @staticmethod
    def _fault_answer(fault: Fault) -> _Answer:
        if fault.kind == "ratelimited":
            answer = _json_answer({"ok": False, "error": "ratelimited"}, 429)
            answer.headers = (("Retry-After", str(fault.retry_after)),)
            return answer
        if fault.kind == "error":
            return _json_answer({"ok": False, "error": fault.error})
        try:
            phrase = HTTPStatus(fault.status).phrase
        except ValueError:
            phrase = "Error"
        return _text_answer(phrase, fault.status)

    @staticmethod
    def _send(request: _Handler, answer: _Answer) -> None:
        try:
            request.send_response(answer.status)
            request.send_header("Content-Type", answer.content_type)
            request.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers:
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("local slack: client went away before the answer")

    @staticmethod
    def _token(request: _Handler, params: dict[str, Any]) -> str | None:
        token = params.pop("token", None)
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        return token or None

    def _api(
        self, method: str, params: dict[str, Any], token: str | None, problem: str | None
    ) -> _Answer:
        if problem:
            return _json_answer({"ok": False, "error": problem})
        handler = self._methods.get(method)
        if handler is None:
            return _json_answer({"ok": False, "error": "unknown_method"})
        if not token:
            return _json_answer({"ok": False, "error": "not_authed"})
        # apps.connections.open takes only app-level tokens, and every other method refuses them.
        app_level = token.startswith("xapp-")
        if app_level != (method == CONNECTIONS_OPEN):
            return _json_answer({"ok": False, "error": "not_allowed_token_type"})
        if app_level:
            valid = True
        elif self.token:
            valid = token == self.token
        else:
            valid = token.startswith(("xoxb-", "xoxp-"))
        if not valid:
            return _json_answer({"ok": False, "error": "invalid_auth"})
        try:
            return _json_answer({"ok": True, **handler(params)})
        except SlackError as e:
            refusal: dict[str, Any] = {"ok": False, "error": e.error}
            if e.messages:
                refusal["response_metadata"] = {"messages": e.messages}
            return _json_answer(refusal)

    def _response(self, key: str, payload: Any, problem: str | None) -> _Answer:
        if problem:
            return _text_answer(problem, 400)
        try:
            check_message(payload.get("text"), payload.get("blocks"))
        except SlackError as e:  # what Slack answers a response_url that breaks the rules
            return _text_answer(e.error, 400)
        self.workspace.deliver_response(key, payload)
        return _text_answer("ok")

    def _upload(self, file_id: str, body: bytes) -> _Answer:
        try:
            self.workspace.store_upload(file_id, body)
        except SlackError as e:
            return _text_answer(e.error, 404)
        return _text_answer(f"OK - {len(body)}")
