"""`FakeService`: the team's service on 127.0.0.1, for runbook and health-watch tests.

It answers the guide's health endpoints (`/health/live`, `/health/ready`,
`/health/llm?model=NAME`, `/health/llm/all`) from `models` (name -> healthy, degraded or
unhealthy), the admin endpoints the example runbooks call (circuit breaker, LLM modes, RL
rollback, scale-up), and a Prometheus instant-query API (`/api/v1/query`) from `metrics`.
Every request is recorded; `fail()` makes the next answers of a path fail on demand.

    with FakeService() as service:
        service.models["qwen"] = "unhealthy"
        ...
        assert service.calls("POST", "/admin/circuit-breaker/qwen/open")
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class _Failure:
    path: str
    status: int
    times: int | None
    body: str = '{"error": "injected failure"}'


@dataclass
class FakeService:
    models: dict[str, str] = field(
        default_factory=lambda: {"qwen": "healthy", "llama": "healthy", "mistral": "healthy"}
    )
    modes: dict[str, str] = field(
        default_factory=lambda: {"fast": "healthy", "balanced": "healthy", "creative": "healthy"}
    )
    metrics: dict[str, float | None] = field(default_factory=dict)  # query -> value
    rl_state: str = "training"

    def __post_init__(self) -> None:
        self.requests: list[Request] = []
        self.breakers: dict[str, str] = {}
        self.routes: dict[str, str] = {}
        self._failures: list[_Failure] = []
        self._stalled: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    # --- control --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fail(self, path: str, status: int = 500, times: int | None = 1, body: str = "") -> None:
        """The next `times` requests to `path` (every one with None) answer `status`."""
        with self._lock:
            self._failures.append(
                _Failure(path, status, times, body or '{"error": "injected failure"}')
            )

    def stall(self, path: str) -> threading.Event:
        """Requests to `path` are recorded, then held unanswered until the event is set."""
        with self._lock:
            return self._stalled.setdefault(path, threading.Event())

    def calls(self, method: str | None = None, path: str | None = None) -> list[Request]:
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (path is None or r.path == path)
            ]

    # --- answers -----------------------------------------------------------------------------
    def _model(self, name: str) -> dict:
        status = self.models.get(name, "unhealthy")
        ok = status == "healthy"
        return {
            "model_name": name,
            "status": status,
            "loaded": name in self.models,
            "inference_ready": ok,
            "last_inference_ms": 850.0 if ok else None,
            "memory_mb": 2048.0,
            "gpu_memory_mb": 6144.0,
            "error_message": None if ok else "CUDA out of memory",
            "checked_at": "2026-01-05T01:30:00Z",
            "uptime_seconds": 3600.0,
        }

    def _all(self) -> dict:
        states = list(self.models.values())
        unhealthy = states.count("unhealthy")
        return {
            "status": "unhealthy"
            if unhealthy == len(states)
            else ("degraded" if unhealthy or "degraded" in states else "healthy"),
            "healthy_count": states.count("healthy"),
            "degraded_count": states.count("degraded"),
            "unhealthy_count": unhealthy,
            "total_models": len(states),
            "models": dict(self.models),
            "memory_mb": 6144.0,
            "gpu_available": True,
        }

    def _answer(self, request: Request) -> tuple[int, Any]:
        path, method = request.path, request.method
        if path in ("/health/live", "/health/ready"):
            return 200, {"status": "ok"}
        if path == "/health/llm":
            name = request.query.get("model", "")
            body = self._model(name)
            return (200 if body["status"] != "unhealthy" else 503), body
        if path == "/health/llm/all":
            return 200, self._all()
        if path.startswith("/admin/circuit-breaker/") and method == "POST":
            _, _, _, model, action = path.split("/")
            self.breakers[model] = action
            return 200, {"model": model, "circuit_breaker": action}
        if path.startswith("/admin/modes/"):
            mode = path.rsplit("/", 1)[1]
            if method == "PUT":
                target = (request.body or {}).get("route_to")
                self.routes[mode] = target
                return 200, {"mode": mode, "route_to": target}
            return 200, {"mode": mode, "status": self.modes.get(mode, "unhealthy")}
        if path == "/admin/rl/status":
            return 200, {"state": self.rl_state}
        if path.startswith("/admin/rl/") and method == "POST":
            action = path.rsplit("/", 1)[1]
            self.rl_state = {"pause": "paused", "resume": "training"}.get(action, self.rl_state)
            return 200, {"ok": True, "action": action}
        if path.startswith("/admin/scale/") and method == "POST":
            return 202, {"service": path.rsplit("/", 1)[1], "accepted": True}
        if path == "/api/v1/query":
            query = request.query.get("query", "")
            value = self.metrics.get(query)
            result = [] if value is None else [{"metric": {}, "value": [1767576600, str(value)]}]
            return 200, {"status": "success", "data": {"resultType": "vector", "result": result}}
        return 404, {"error": f"no route {method} {path}"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                request = Request(self.command, parts.path, query, body, dict(self.headers))
                with service._lock:
                    service.requests.append(request)
                    failure = next((f for f in service._failures if f.path == parts.path), None)
                    stalled = service._stalled.get(parts.path)
                    if failure is not None and failure.times is not None:
                        failure.times -= 1
                        if failure.times <= 0:
                            service._failures.remove(failure)
                if stalled is not None:
                    stalled.wait(30)
                if failure is not None:
                    status, payload = failure.status, failure.body.encode()
                else:
                    with service._lock:
                        status, answer = service._answer(request)
                    payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the caller is gone (killed, or timed out)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
