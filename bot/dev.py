"""Running the bot: against a real workspace (`serve`), or the built-in local Slack (`dev`)."""

import getpass
import logging
import os
import secrets
import signal
import sys
import threading
from typing import TextIO

from pydantic import SecretStr

from bot.local_slack.api import LocalSlackServer
from bot.local_slack.terminal import run_terminal
from bot.local_slack.workspace import Workspace
from bot.process import DeliveryTuning, Service
from bot.settings import Settings
from commands.config import Config

log = logging.getLogger(__name__)

# The local Slack has no rate limits worth respecting; deliver promptly.
LOCAL_TUNING = DeliveryTuning(interval=0.5, max_backoff=5.0, channel_rate=50.0, channel_burst=50.0)


def serve(settings: Settings, config: Config, host: str, port: int) -> int:
    mode = "Socket Mode" if settings.slack_app_token else "HTTP (POST /slack/events)"
    log.info("serving Slack over %s; config %s", mode, config.source)
    Service(settings, config).serve_forever(host, port)
    return 0


def _channel_names(config: Config) -> list[str]:
    names: list[str] = []
    for channel in (
        config.slack.incident_channel,
        config.slack.alert_channel,
        config.slack.digest_channel,
    ):
        name = channel.lstrip("#")
        if name not in names:
            names.append(name)
    return names


def run_dev(
    settings: Settings,
    config: Config,
    host: str,
    port: int,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """The bot against the built-in local Slack, with this terminal playing the Slack client."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    # One clock for the bot and its Slack: message timestamps and request signatures agree
    # with the bot's time, also when SRE_BOT_NOW has moved it.
    clock = settings.clock()
    workspace = Workspace(channels=_channel_names(config), clock=lambda: clock.now().timestamp())
    slack = LocalSlackServer(workspace).start()
    signing_secret = secrets.token_hex(16)
    local = settings.model_copy(
        update={
            "slack_api_url": slack.api_url,
            "slack_bot_token": SecretStr("xoxb-local-dev"),
            "slack_signing_secret": SecretStr(signing_secret),
            "slack_app_token": None,
        }
    )
    service = Service(local, config, tuning=LOCAL_TUNING, clock=clock)
    stop = threading.Event()
    # Log lines would break into the conversation on the terminal: only problems are shown.
    logging.getLogger().setLevel(os.environ.get("LOG_LEVEL", "WARNING").upper())
    print(
        "No Slack credentials (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): using the built-in "
        f"local Slack.\nsre-bot listens on http://{host}:{port} "
        f"(GET /health/live); database {settings.database_url}; config {config.source}.",
        file=stdout,
        flush=True,
    )
    try:
        service.start_in_thread(host, port)
    except Exception:
        slack.stop()
        raise
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    events_url = f"http://127.0.0.1:{port}/slack/events"
    try:
        run_terminal(
            workspace,
            slack,
            events_url,
            signing_secret,
            stdin=stdin,
            stdout=stdout,
            user_name=_user_name(),
            stop_event=stop,
            clock=clock,
        )
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()
        slack.stop()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the terminal the way Ctrl-C does, wherever it is waiting."""
    raise KeyboardInterrupt


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"
