"""The public port against slow and numerous clients.

Uvicorn's HTTP/1.1 protocol waits for a request's headers as long as the client keeps the
connection open, so a client that sends one byte every few seconds holds a file descriptor
forever; a thousand of them exhaust the process's limit, and then nothing is served, not
even `/health/live`. Here a connection has `header_timeout` seconds to send its request's
headers (again for each request on a kept-alive connection), and at most `max_connections`
are open: beyond that, the one that has waited longest for its headers is closed to make
room, so a new request (a health probe, a Slack command) is still served.
"""

import asyncio
import logging
import os
import resource
from dataclasses import dataclass
from typing import Any, cast

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

# File descriptors kept free of client connections: the database, Slack calls, log files.
RESERVED_FDS = 64
# The listen backlog. asyncio accepts up to this many connections in one go before any of
# them is seen here, so the cap leaves room for one such batch.
ACCEPT_BATCH = 32


def _open_files() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:  # not Linux: assume a modest start
        return 64


def connection_cap(wanted: int = 1000) -> int:
    """`wanted`, or fewer when the process may not open that many more files: what is open
    now, a reserve for what the bot opens later, and one accept batch stay within the
    limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    room = soft - _open_files() - RESERVED_FDS - ACCEPT_BATCH
    return max(16, min(wanted, room))


@dataclass(frozen=True)
class HttpLimits:
    header_timeout: float = 10.0  # to send a request line and its headers
    body_timeout: float = 30.0  # to send the body, once the headers are in
    max_connections: int = 0  # 0: what the file-descriptor limit allows (at most 1,000)
    # Writes failing this long for a reason that does not clear by itself (a read-only or
    # vanished database file): /health/live fails too, so the supervisor restarts the bot.
    live_after_failing_writes: float = 300.0


def guarded_protocol(limits: HttpLimits) -> type[H11Protocol]:
    """Uvicorn's h11 protocol with a header deadline and a connection cap (measured when the
    server is built, once the bot's own files are open)."""
    cap = limits.max_connections or connection_cap()
    # Connections waiting for a request's headers, oldest first (an ordered set; one server
    # per class).
    waiting: dict[H11Protocol, None] = {}

    class GuardedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _answered: Any = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(cast(asyncio.Transport, transport))
            self._await_headers()
            closing = sum(1 for c in self.connections if c.transport.is_closing())
            if len(self.connections) - closing > cap:
                oldest = next((c for c in waiting if c is not self), None)
                victim = oldest if oldest is not None else self
                waiting.pop(victim, None)  # closed, though not gone until the loop runs
                log.warning(
                    "%d connections open (the cap is %d): closing the one that waited "
                    "longest for its request headers",
                    len(self.connections),
                    cap,
                )
                victim.transport.close()

        def _await_headers(self) -> None:
            self._answered = self.cycle
            waiting[self] = None
            self._deadline = self.loop.call_later(limits.header_timeout, self._too_slow)

        def _headers_in(self) -> None:
            waiting.pop(self, None)
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            if self in waiting:
                log.warning(
                    "closed a connection that sent no complete request headers in %.0f s",
                    limits.header_timeout,
                )
                self.transport.close()

        def handle_events(self) -> None:
            super().handle_events()
            if self in waiting and self.cycle is not self._answered:
                self._headers_in()  # a new request's headers were read

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._await_headers()  # the next request on this connection

        def connection_lost(self, exc: Exception | None) -> None:
            self._headers_in()
            super().connection_lost(exc)

    return GuardedH11Protocol
