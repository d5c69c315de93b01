import contextlib
import hashlib
import hmac
import io
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from commands.clock import FakeClock, RunningClock, parse_instant
from commands.config import Config, SlackConfig
from commands.context import Context
from storage.db import Database
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ALERT_TOKEN = "alert-webhook-token-for-tests"

# "Now" for the tests, and the team's timezone in their default configuration. Never the
# machine's clock: `make test` runs the tests that take these again at other instants
# (scripts/clock-matrix.sh), so a test that passes only on some days fails every day.
DEFAULT_NOW = "2026-12-01T10:00:00+09:00"  # a Tuesday morning in Seoul
DEFAULT_ZONE = "Asia/Seoul"


def pytest_addoption(parser) -> None:
    group = parser.getgroup("clock", "the instant the tests run at (never the machine's clock)")
    group.addoption(
        "--clock-at",
        default=DEFAULT_NOW,
        help=f"ISO 8601 instant with an offset that 'now' is in the tests (default {DEFAULT_NOW})",
    )
    group.addoption(
        "--clock-zone",
        default=DEFAULT_ZONE,
        help=f"the team's timezone in the tests' default config (default {DEFAULT_ZONE})",
    )


def _instant(config) -> datetime:
    return parse_instant(config.getoption("--clock-at"))


def pytest_collection_modifyitems(config, items) -> None:
    """Every test whose outcome could depend on the calendar takes the instant through the
    `now` fixture (or `clock`, which stands at it): those are the `clock` tests, run again
    at each instant of scripts/clock-matrix.sh. (`live_clock` serves the tests that only
    need time to pass, such as retries and leases: it does not make a test a `clock` one.)"""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "now" in fixtures:
            item.add_marker(pytest.mark.clock)
        if "cli" in fixtures:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def now(request) -> datetime:
    """The instant the test runs at (`--clock-at`)."""
    return _instant(request.config)


@pytest.fixture(scope="session")
def zone(request) -> ZoneInfo:
    """The team's timezone (`--clock-zone`)."""
    return ZoneInfo(request.config.getoption("--clock-zone"))


@pytest.fixture
def clock(now: datetime) -> FakeClock:
    """A clock standing at `now`; it moves only when the test moves it."""
    return FakeClock(now)


@pytest.fixture
def live_clock(request) -> RunningClock:
    """A clock that starts at the tests' instant and runs: for a bot and a fake Slack that
    work in real time (retries, leases, pacing) while the calendar is the test's."""
    return RunningClock(_instant(request.config))


@pytest.fixture
def config(zone: ZoneInfo) -> Config:
    return Config(slack=SlackConfig(incident_channel="#incidents", timezone=zone.key))


@pytest.fixture(scope="session")
def postgres_cluster():
    """One PostgreSQL cluster for the session; each test gets a database of its own."""
    from tests.pg import PostgresCluster, find_bin

    bindir = find_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (make test installs it with apt-get as root)")
    cluster = PostgresCluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path: Path) -> str:
    """The tests that take this run on both databases sre-bot supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sre-bot.db'}"
    return request.getfixturevalue("postgres_cluster").new_database()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'sre-bot.db'}")
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def any_database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def ctx(database: Database, config: Config, clock: FakeClock) -> Context:
    return Context(database, config, clock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign(body: str, timestamp: float, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Headers exactly as Slack signs a request: v0 HMAC-SHA256 of `v0:{ts}:{body}`."""
    ts = str(int(timestamp))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def command_body(
    text: str,
    *,
    user: str = "U0ALICE",
    channel: str = "C0INCIDENTS",
    command: str = "/incident",
    response_url: str = "http://127.0.0.1:9/response/none",
    trigger_id: str | None = None,
) -> str:
    """A slash command as Slack sends it: each with a trigger ID of its own, so that no two
    requests are the same bytes (the bot takes a repeated signed request for a replay)."""
    return urllib.parse.urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T0TEAM",
            "team_domain": "artisan",
            "channel_id": channel,
            "channel_name": "incidents",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0APP",
            "response_url": response_url,
            "trigger_id": trigger_id or _trigger(),
        }
    )


_DELIVERIES = itertools.count(1)


def _trigger(base: str = "13345224609.738474920") -> str:
    return f"{base}.{next(_DELIVERIES):06d}"


def interaction_body(payload: dict) -> str:
    """An interaction as Slack sends it: every press or submission has its own trigger ID
    (and each action its own `action_ts`), even when a person does the same thing twice."""
    payload = {**payload, "trigger_id": _trigger(str(payload.get("trigger_id") or "1.2"))}
    if isinstance(payload.get("actions"), list):
        payload["actions"] = [
            {"action_ts": f"1767576600.{next(_DELIVERIES):06d}", **action}
            if isinstance(action, dict)
            else action
            for action in payload["actions"]
        ]
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


@pytest.fixture
def slack(live_clock: RunningClock):
    """The fake Slack, stamping messages at the tests' time (as the bot reads it)."""
    from bot.local_slack.workspace import Workspace
    from tests.fakes.slack import FakeSlack

    fake = FakeSlack(Workspace(channels=("incidents",), clock=lambda: live_clock.now().timestamp()))
    yield fake
    fake.close()


class Running:
    """A started Service on a free port, and a client that signs like Slack."""

    def __init__(self, service, port: int) -> None:
        self.service = service
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    @property
    def ctx(self):
        return self.service.ctx

    def sign(self, body: str, *, ago: float = 0.0, secret: str = SIGNING_SECRET) -> dict[str, str]:
        """Slack's signature headers for `body`, timestamped `ago` seconds before the bot's
        now (Slack's clock and the bot's agree)."""
        return sign(body, self.ctx.clock.now().timestamp() - ago, secret)

    def post(self, body: str, headers: dict[str, str] | None = None, timeout: float = 10.0):
        """Send a request as Slack does. Slack refuses an answer that breaks Block Kit's
        rules (the person sees an error instead): so does every test that gets one."""
        import httpx

        from bot.local_slack.blockkit import check_answer

        response = httpx.post(
            self.url + "/slack/events",
            content=body.encode(),
            headers=self.sign(body) if headers is None else headers,
            timeout=timeout,
        )
        if response.headers.get("content-type", "").startswith("application/json"):
            check_answer(response.json())
        return response

    def command(self, text: str, **kwargs):
        return self.post(command_body(text, **kwargs))

    def interact(self, payload: dict):
        return self.post(interaction_body(payload))

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until nothing more is on its way: the work after every ack has finished, the
        outbox holds nothing it could send now, and no runbook run is due. What a test finds
        after this is all that will happen (a poll with a deadline, never a fixed sleep)."""
        from storage import outbox
        from storage import runbooks as runbook_repo

        runtime = self.service.runtime

        def settled() -> bool:
            if not runtime.wait_after_ack(timeout):
                return False
            now = self.ctx.clock.now()
            with self.ctx.db.reader() as session:
                due = outbox.due_count(session, now) + len(runbook_repo.due_runs(session, now, 1))
            return due == 0 and runtime.wait_after_ack(0)

        poll_until(settled, timeout=timeout)

    def get(self, path: str):
        import httpx

        return httpx.get(self.url + path, timeout=10.0)


@pytest.fixture
def start_service(tmp_path, slack, config, live_clock):
    """Start the bot against the fake Slack; call again (same database) to restart it."""
    from pydantic import SecretStr

    from bot.process import DeliveryTuning, Service
    from bot.settings import Settings

    started: list[Running] = []

    def start(
        config_override=None,
        database_url=None,
        clock=None,
        alert_token=ALERT_TOKEN,
        deploy_token=None,
        limits=None,
        **tuning,
    ) -> Running:
        settings = Settings(
            slack_bot_token=SecretStr("xoxb-test"),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=slack.api_url,
            slack_timeout_seconds=1.0,
            database_url=database_url or f"sqlite:///{tmp_path / 'bot.db'}",
            alert_webhook_token=SecretStr(alert_token) if alert_token else None,
            deploy_check_token=SecretStr(deploy_token) if deploy_token else None,
        )
        options = {
            "interval": 0.05,
            "max_backoff": 0.3,
            "channel_rate": 100.0,
            "channel_burst": 100.0,
            "claim_seconds": 2.0,
            "min_gap": 0.01,
            "landing_window": 1.5,
            **tuning,
        }
        service = Service(
            settings,
            config_override or config,
            tuning=DeliveryTuning(**options),
            clock=clock or live_clock,
            **({"limits": limits} if limits is not None else {}),
        )
        port = free_port()
        service.start_in_thread("127.0.0.1", port)
        running = Running(service, port)
        started.append(running)
        return running

    yield start
    for running in started:
        running.service.stop()


class Cli:
    """`sre-bot` as a user runs it: a subprocess in `folder`, on a SQLite database of its own,
    with `sre-bot.yml` there. Each command's clock starts where `clock` stands when it is
    run (`SRE_BOT_NOW`), so the commands of a test follow each other in time."""

    def __init__(self, folder: Path, clock: RunningClock, *, in_process: bool = False) -> None:
        self.folder = folder
        self.clock = clock
        self.in_process = in_process
        self.config_path = folder / "sre-bot.yml"
        self.database_url = f"sqlite:///{folder / 'cli.db'}"
        self.configure("slack:\n  timezone: Asia/Seoul\n")
        inherited = ("SLACK_", "SRE_BOT_", "DATABASE_", "PROMETHEUS_")
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(inherited)},
            "DATABASE_URL": self.database_url,
            "SRE_BOT_CONFIG": str(self.config_path),
            "USER": "kim",
        }

    def configure(self, text: str) -> None:
        self.config_path.write_text(text, encoding="utf-8")

    def _command(self, args: tuple[str, ...], env: dict | None) -> dict:
        return {
            "args": [sys.executable, "-m", "bot", *args],
            "cwd": self.folder,
            "env": {**self.env, "SRE_BOT_NOW": self.clock.now().isoformat(), **(env or {})},
            "text": True,
        }

    def __call__(
        self, *args: str, env: dict | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess:
        if self.in_process:
            return self._here(args, env)
        return subprocess.run(**self._command(args, env), capture_output=True, timeout=timeout)

    def _here(self, args: tuple[str, ...], env: dict | None) -> subprocess.CompletedProcess:
        """The command run in this process (`bot.cli.main`, same environment and folder):
        what a person sees, without a new interpreter's start-up."""
        from bot.cli import main

        command = self._command(args, env)
        out, err = io.StringIO(), io.StringIO()
        with (
            mock.patch.dict(os.environ, command["env"], clear=True),
            contextlib.chdir(self.folder),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse's usage errors
                code = exit_.code if isinstance(exit_.code, int) else 2
        return subprocess.CompletedProcess(command["args"], code, out.getvalue(), err.getvalue())

    def start(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        """The command running in the background, its output piped."""
        return subprocess.Popen(
            **self._command(args, env), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )


@pytest.fixture
def cli(tmp_path: Path, live_clock: RunningClock) -> Cli:
    """`sre-bot` in a subprocess (these tests are marked `slow`)."""
    return Cli(tmp_path, live_clock)


@pytest.fixture
def cli_in_process(tmp_path: Path, live_clock: RunningClock) -> Cli:
    """`sre-bot` run by calling its `main` here: for the many commands of a calendar test."""
    return Cli(tmp_path, live_clock, in_process=True)


def poll_until(predicate, timeout: float = 10.0, interval: float = 0.02):
    """Re-check `predicate` until it is truthy or the deadline passes (then fail)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


@pytest.fixture(scope="session")
def prom_data(tmp_path_factory, now):
    """31 days of synthetic metrics with known answers, ending at the tests' instant, as
    TSDB blocks (built once)."""
    import shutil

    from tests import prom

    missing = [b for b in ("prometheus", "promtool") if shutil.which(b) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (scripts/system-deps.sh installs them)")
    return prom.build(tmp_path_factory.mktemp("prometheus-data"), int(now.timestamp()) // 60 * 60)


@pytest.fixture(scope="session")
def prometheus(prom_data):
    """The real `prometheus` serving `prom_data` on a free loopback port."""
    from tests.prom import PrometheusProcess

    server = PrometheusProcess(prom_data.data_dir, free_port()).wait_ready()
    yield server
    server.stop()


@pytest.fixture
def prom_clock(prom_data, now: datetime) -> FakeClock:
    """A clock at the moment the synthetic data ends (the tests' now, on the minute): SLOs
    are evaluated there."""
    assert prom_data.anchor == int(now.timestamp()) // 60 * 60
    return FakeClock(datetime.fromtimestamp(prom_data.anchor, UTC))
