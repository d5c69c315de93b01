import hashlib
import hmac
import json
import socket
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.clock import FakeClock
from commands.config import Config, SlackConfig
from commands.context import Context
from storage.db import Database
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ALERT_TOKEN = "alert-webhook-token-for-tests"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 5, 1, 30, tzinfo=UTC))  # 10:30 in Seoul


@pytest.fixture
def config() -> Config:
    return Config(slack=SlackConfig(incident_channel="#incidents", timezone="Asia/Seoul"))


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


def sign(body: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Headers exactly as Slack signs a request: v0 HMAC-SHA256 of `v0:{ts}:{body}`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
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
    trigger_id: str = "13345224609.738474920.8088930838d88f008e0",
) -> str:
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
            "trigger_id": trigger_id,
        }
    )


def interaction_body(payload: dict) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


@pytest.fixture
def slack():
    from tests.fakes.slack import FakeSlack

    fake = FakeSlack()
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

    def post(self, body: str, headers: dict[str, str] | None = None, timeout: float = 10.0):
        import httpx

        return httpx.post(
            self.url + "/slack/events",
            content=body.encode(),
            headers=sign(body) if headers is None else headers,
            timeout=timeout,
        )

    def command(self, text: str, **kwargs):
        return self.post(command_body(text, **kwargs))

    def interact(self, payload: dict):
        return self.post(interaction_body(payload))

    def get(self, path: str):
        import httpx

        return httpx.get(self.url + path, timeout=10.0)


@pytest.fixture
def start_service(tmp_path, slack, config):
    """Start the bot against the fake Slack; call again (same database) to restart it."""
    from pydantic import SecretStr

    from bot.service import DeliveryTuning, Service
    from bot.settings import Settings

    started: list[Running] = []

    def start(
        config_override=None, database_url=None, clock=None, alert_token=ALERT_TOKEN, **tuning
    ) -> Running:
        settings = Settings(
            slack_bot_token=SecretStr("xoxb-test"),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=slack.api_url,
            slack_timeout_seconds=1.0,
            database_url=database_url or f"sqlite:///{tmp_path / 'bot.db'}",
            alert_webhook_token=SecretStr(alert_token) if alert_token else None,
        )
        options = {
            "interval": 0.05,
            "max_backoff": 0.3,
            "channel_rate": 100.0,
            "channel_burst": 100.0,
            "claim_seconds": 2.0,
            "min_gap": 0.01,
            **tuning,
        }
        service = Service(
            settings, config_override or config, tuning=DeliveryTuning(**options), clock=clock
        )
        port = free_port()
        service.start_in_thread("127.0.0.1", port)
        running = Running(service, port)
        started.append(running)
        return running

    yield start
    for running in started:
        running.service.stop()


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
def prom_data(tmp_path_factory):
    """31 days of synthetic metrics with known answers, as TSDB blocks (built once)."""
    import shutil

    from tests import prom

    missing = [b for b in ("prometheus", "promtool") if shutil.which(b) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (scripts/system-deps.sh installs them)")
    return prom.build(tmp_path_factory.mktemp("prometheus-data"))


@pytest.fixture(scope="session")
def prometheus(prom_data):
    """The real `prometheus` serving `prom_data` on a free loopback port."""
    from tests.prom import PrometheusProcess

    server = PrometheusProcess(prom_data.data_dir, free_port()).wait_ready()
    yield server
    server.stop()


@pytest.fixture
def prom_clock(prom_data) -> FakeClock:
    """A clock at the moment the synthetic data ends: SLOs are evaluated there."""
    return FakeClock(datetime.fromtimestamp(prom_data.anchor, UTC))
