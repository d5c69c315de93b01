"""Everything a running bot holds, built once and handed to the listeners and routes."""

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.delivery.outbox import OutboxDelivery
from bot.i18n import Translator
from bot.settings import Settings
from bot.slack.api import SlackFailure, call
from commands.context import Context

log = logging.getLogger(__name__)


@dataclass
class SlackAuth:
    """The last answer of auth.test, refreshed in the background for /health/ready."""

    ok: bool = False
    verified: bool = False
    detail: str = "not checked yet"
    checked_at: float | None = None
    bot_user_id: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, client: WebClient) -> None:
        """Ask Slack whether the token is good. Only a rejected token makes this not ok:
        while Slack is unreachable the last verdict stands (the outbox holds the messages)."""
        try:
            data = call(client, "auth.test")
        except SlackFailure as failure:
            with self.lock:
                self.checked_at = time.monotonic()
                if failure.kind == "operator" or not self.verified:
                    self.ok = False
                    self.detail = failure.error
                else:
                    self.detail = f"verified earlier; Slack unreachable now ({failure.error})"
            return
        with self.lock:
            self.ok, self.verified, self.checked_at = True, True, time.monotonic()
            self.detail = f"team {data.get('team')}"
            if data.get("user_id"):
                self.bot_user_id = str(data["user_id"])


@dataclass
class Runtime:
    settings: Settings
    ctx: Context
    client: WebClient
    delivery: OutboxDelivery
    slack_auth: SlackAuth = field(default_factory=SlackAuth)
    # Set in Socket Mode: whether the WebSocket to Slack is up (for readiness).
    socket_mode_connected: Callable[[], bool] | None = None
    after_ack: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=8, thread_name_prefix="after-ack")
    )
    # Names this process in database claims (runbook runs, health checks).
    worker_id: str = field(
        default_factory=lambda: f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:10]}"
    )
    # Work handed to `later` and not finished yet.
    _pending: int = 0
    _pending_changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def t(self) -> Translator:
        slack = self.ctx.config.slack
        return Translator(slack.locale, slack.tz)

    def changed(self) -> None:
        """A change was committed here: deliver its Slack messages now."""
        self.delivery.wake()

    def later(self, work: Callable[[], object]) -> None:
        """Run `work` after the answer to Slack has gone out (Slack calls never delay an ack).
        A failure is logged: by then the state change is recorded, or there was none."""

        def run() -> None:
            try:
                work()
            except Exception:  # the person's change is recorded; the follow-up is logged
                log.exception("work after the ack failed")
            finally:
                with self._pending_changed:
                    self._pending -= 1
                    self._pending_changed.notify_all()

        with self._pending_changed:
            self._pending += 1
        self.after_ack.submit(run)

    def wait_after_ack(self, timeout: float) -> bool:
        """Wait until every piece of work handed to `later` has finished (False on timeout)."""
        with self._pending_changed:
            return self._pending_changed.wait_for(lambda: self._pending == 0, timeout)
