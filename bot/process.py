"""Assembling and running the bot: database, Slack client, outbox, scheduler, HTTP server."""

import gc
import logging
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import uvicorn
from slack_bolt import App

from bot import metrics
from bot.app import build_bolt_app
from bot.delivery.outbox import OutboxDelivery
from bot.http.guard import ACCEPT_BATCH, HttpLimits, guarded_protocol
from bot.log_floods import quiet_url_loggers
from bot.runtime import Runtime
from bot.scheduler import build_scheduler
from bot.server import create_http_app
from bot.settings import Settings
from bot.slack.api import make_client
from commands.clock import Clock
from commands.config import Config
from commands.context import Context
from commands.errors import ConfigError
from commands.oncall.schedule import stale_overrides
from storage.db import Database
from storage.migrate import upgrade

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger(__name__)


class CannotListen(ConfigError):
    """The HTTP port cannot be bound (in use, or not allowed): choose another."""

    heading = ""


def check_port(host: str, port: int, flag: str = "--port") -> None:
    """Fail early, with words, when the port cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CannotListen(
                f"cannot listen on {host}:{port}: {exc.strerror}; choose another port with {flag}"
            ) from exc


@dataclass
class DeliveryTuning:
    """Outbox pacing; tests and the local Slack use faster settings than real Slack needs."""

    interval: float = 1.0
    max_backoff: float = 60.0
    channel_rate: float = 1.0
    channel_burst: float = 8.0
    claim_seconds: float = 60.0
    min_gap: float = 0.1
    # After a post that timed out, how long Slack may still take to land it: the look-up
    # for it, and any second post, wait at least this long.
    landing_window: float = 30.0


def _report_stale_overrides(ctx: Context) -> None:
    for row in stale_overrides(ctx):
        log.warning(
            "on-call override #%s (%s, %s to %s) names %s, who is no longer in oncall.members: "
            "it is not applied; remove it with `sre-bot oncall remove %s`",
            row.id,
            row.kind,
            row.start_at.isoformat(),
            row.end_at.isoformat(),
            row.user_id,
            row.id,
        )


@dataclass
class Service:
    settings: Settings
    config: Config
    clock: Clock | None = None
    tuning: DeliveryTuning = field(default_factory=DeliveryTuning)
    limits: HttpLimits = field(default_factory=HttpLimits)

    def __post_init__(self) -> None:
        self.db = Database(self.settings.database_url)
        self.ctx = Context(self.db, self.config, self.clock or self.settings.clock())
        token = (
            self.settings.slack_bot_token.get_secret_value()
            if self.settings.slack_bot_token
            else ""
        )
        self.client = make_client(
            token, self.settings.slack_api_url, self.settings.slack_timeout_seconds
        )
        self.delivery = OutboxDelivery(
            self.ctx,
            self.client,
            interval=self.tuning.interval,
            max_backoff=self.tuning.max_backoff,
            channel_rate=self.tuning.channel_rate,
            channel_burst=self.tuning.channel_burst,
            claim_seconds=self.tuning.claim_seconds,
            min_gap=self.tuning.min_gap,
            landing_window=self.tuning.landing_window,
        )
        self.runtime = Runtime(self.settings, self.ctx, self.client, self.delivery)
        secret = self.settings.slack_signing_secret
        # In Socket Mode Slack sends no signed HTTP requests; a random secret refuses them all.
        signing_secret = secret.get_secret_value() if secret else secrets.token_hex(16)
        self.bolt: App = build_bolt_app(self.runtime, signing_secret)
        self.scheduler = build_scheduler(self.runtime)
        self.http = create_http_app(
            self.runtime, self.bolt, self.scheduler, signing_secret, self.limits
        )
        self._socket_mode: SocketModeHandler | None = None
        self._stopping = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start_background(self) -> None:
        """Migrate the schema, then start outbox delivery, the scheduler and Socket Mode."""
        upgrade(self.db)
        quiet_url_loggers()  # whoever set up logging: a step's URL may hold a secret
        metrics.watch_incidents(self.ctx)
        _report_stale_overrides(self.ctx)
        try:
            self.delivery.start()
            self.scheduler.start()
            if self.settings.slack_app_token is not None:
                self._start_socket_mode(self.settings.slack_app_token.get_secret_value())
        except BaseException:
            self.stop_background()
            raise

    def _start_socket_mode(self, app_token: str) -> None:
        """Connect in the background and keep trying: Slack being down at start-up must not
        stop the bot (commands queue nothing meanwhile, but the outbox keeps its messages)."""
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(self.bolt, app_token)
        self._socket_mode = handler
        self.runtime.socket_mode_connected = handler.client.is_connected

        def connect() -> None:
            delay = 1.0
            while not self._stopping.is_set():
                try:
                    handler.connect()
                    if handler.client.is_connected():
                        log.info("connected to Slack over Socket Mode")
                        return  # from here slack_sdk reconnects by itself
                    problem = "Slack refused the WebSocket connection"
                except Exception as exc:
                    problem = str(exc).splitlines()[0][:200]
                log.warning("Socket Mode: %s; trying again in %.0f s", problem, delay)
                self._stopping.wait(delay)
                delay = min(delay * 2, 60.0)

        threading.Thread(target=connect, name="socket-mode-connect", daemon=True).start()

    def _uvicorn(self, host: str, port: int) -> uvicorn.Server:
        config = uvicorn.Config(
            self.http,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=5,
            http=guarded_protocol(self.limits),
            timeout_keep_alive=5,
            backlog=ACCEPT_BATCH,
        )
        return uvicorn.Server(config)

    def serve_forever(self, host: str, port: int) -> None:
        check_port(host, port)
        self.start_background()
        self._server = self._uvicorn(host, port)
        # What is loaded by now (modules, the app, the config) lives as long as the process.
        # Moved out of the collector's reach, it no longer makes each full collection walk
        # some 140,000 objects (about 80 ms) while requests wait.
        gc.freeze()
        log.info("sre-bot listening on http://%s:%d", host, port)
        try:
            self._server.run()
        finally:
            self.stop_background()

    def start_in_thread(self, host: str, port: int, timeout: float = 15.0) -> None:
        """Start everything, the HTTP server in a thread; return once it accepts requests."""
        check_port(host, port)
        self.start_background()
        self._server = self._uvicorn(host, port)
        self._thread = threading.Thread(target=self._server.run, name="http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop_background()
                raise RuntimeError(f"the HTTP server did not start on {host}:{port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.stop_background()

    def stop_background(self) -> None:
        self._stopping.set()
        if self._socket_mode is not None:
            self._socket_mode.close()
            self._socket_mode = None
        if self.scheduler.running:
            # Let a sweep under way finish before the database goes: each is bounded (its
            # Prometheus and Slack calls time out), and one cut off would log errors at exit.
            self.scheduler.shutdown(wait=True)
        self.delivery.stop()
        self.runtime.after_ack.shutdown(wait=True, cancel_futures=False)
        self.db.dispose()
