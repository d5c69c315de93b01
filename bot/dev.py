"""Running the bot: against a real workspace (`serve`), or the built-in local Slack (`dev`)."""

import getpass
import logging
import secrets
import signal
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.dev_log import log_to_file
from bot.local_slack.api import LocalSlackServer
from bot.local_slack.browser import mount_browser
from bot.local_slack.memory import Memory
from bot.local_slack.people import create_named, named_by
from bot.local_slack.terminal import run_terminal
from bot.local_slack.terminal_base import BotLink
from bot.local_slack.workspace import Workspace
from bot.process import CannotListen, DeliveryTuning, Service, check_port
from bot.settings import Settings
from commands.config import Config
from commands.context import Context
from commands.runbooks.catalog import catalog

log = logging.getLogger(__name__)

# The local Slack has no rate limits worth respecting; deliver promptly.
LOCAL_TUNING = DeliveryTuning(interval=0.5, max_backoff=5.0, channel_rate=50.0, channel_burst=50.0)


def serve(settings: Settings, config: Config, host: str, port: int) -> int:
    mode = "Socket Mode" if settings.slack_app_token else "HTTP (POST /slack/events)"
    log.info("serving Slack over %s; config %s", mode, config.source)
    Service(settings, config).serve_forever(host, port)
    return 0


def beside_database(settings: Settings, suffix: str) -> Path:
    """A file next to the SQLite database (`sre-bot.db` → `sre-bot.local-slack.json`), or in
    the working folder when the database is not a file."""
    url = make_url(settings.database_url)
    database = url.database if url.get_backend_name() == "sqlite" else None
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        return path.with_name(path.stem + suffix)
    return Path.cwd() / ("sre-bot" + suffix)


def _local_slack_port(host: str, port: int, wanted: int | None) -> int:
    """The local Slack's port: the one asked for, else the one after the bot's if it is
    free, else any free one. Always on loopback."""
    if wanted is not None:
        check_port("127.0.0.1", wanted, flag="--local-slack-port")
        return wanted
    try:
        check_port("127.0.0.1", port + 1)
    except CannotListen:
        return 0
    return port + 1


def _browsable(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def _approvers(ctx: Context) -> list[str]:
    return [a for loaded in catalog(ctx).runbooks.values() for a in loaded.runbook.approvers]


def run_dev(
    settings: Settings,
    config: Config,
    host: str,
    port: int,
    *,
    local_slack_port: int | None = None,
    log_handlers: Iterable[logging.Handler] = (),
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """The bot against the built-in local Slack, with this terminal playing the Slack client.

    The workspace (people, channels, messages) is kept beside the database and comes back
    on the next start; the log goes to a file there too, so it never breaks into the typing.
    `log_handlers` are the process's own console handlers, which the log file replaces.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    check_port(host, port)
    slack_port = _local_slack_port(host, port, local_slack_port)
    log_path = beside_database(settings, ".log")
    notices = log_to_file(log_path, replace=log_handlers)
    # One clock for the bot and its Slack: message timestamps and request signatures agree
    # with the bot's time, also when SRE_BOT_NOW has moved it.
    clock = settings.clock()
    workspace = Workspace(channels=(), clock=lambda: clock.now().timestamp())
    memory = Memory(workspace, beside_database(settings, ".local-slack.json"))
    remembered = memory.load()
    slack = LocalSlackServer(workspace, port=slack_port).start()
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
    create_named(workspace, named_by(config, _approvers(service.ctx)))
    memory.start()
    stop = threading.Event()
    events_url = f"http://127.0.0.1:{port}/slack/events"
    link = BotLink(workspace, slack, events_url, signing_secret, clock)
    mount_browser(service.http, link)
    try:
        service.start_in_thread(host, port)
    except Exception:
        memory.stop()
        slack.stop()
        raise
    kept = f"; workspace kept in {memory.path}" + (" (restored)" if remembered else "")
    print(
        "No Slack credentials (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): using the built-in "
        f"local Slack.\nsre-bot listens on http://{host}:{port} "
        f"(GET /health/live); database {settings.database_url}; config {config.source}.\n"
        f"The local Slack's Web API is on {slack.api_url}{kept}; log in {log_path}.\n"
        f"Open http://{_browsable(host)}:{port}/local/ for the local Slack in a browser.",
        file=stdout,
        flush=True,
    )
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        run_terminal(
            link,
            stdin=stdin,
            stdout=stdout,
            user_name=_user_name(),
            stop_event=stop,
            channel=config.slack.incident_channel.lstrip("#") or None,
            notices=notices.listen,
        )
    except KeyboardInterrupt:
        pass
    finally:
        _finish_undisturbed()
        service.stop()
        slack.stop()
        memory.stop()
    return 0


def _finish_undisturbed() -> None:
    """A second Ctrl-C or SIGTERM while stopping would cut the shutdown short and leave the
    outbox's lease held, so the next start would wait for it to run out. Stopping is bounded
    (every join has a timeout): let it finish."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the terminal the way Ctrl-C does, wherever it is waiting."""
    raise KeyboardInterrupt


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"
