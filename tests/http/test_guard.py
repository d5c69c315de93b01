"""The public port against slow and numerous clients: a real server, real sockets."""

import socket
import subprocess
import sys
import time

import httpx
import pytest

from bot.http.guard import HttpLimits
from tests.conftest import ROOT, SIGNING_SECRET, free_port, poll_until


def _slow_client(url: str) -> socket.socket:
    """A client that has begun its request's headers and will never finish them."""
    host, port = url.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=5)
    conn.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    return conn


def _closed_by_server(conn: socket.socket, within: float) -> bool:
    conn.settimeout(within)
    try:
        return conn.recv(1024) == b""
    except TimeoutError:
        return False
    except OSError:  # reset: closed with the request unread
        return True


def test_a_client_that_never_finishes_its_headers_is_closed(start_service):
    bot = start_service(limits=HttpLimits(header_timeout=0.5))
    slow = _slow_client(bot.url)
    started = time.monotonic()
    assert _closed_by_server(slow, within=5)
    assert 0.4 < time.monotonic() - started < 4
    slow.close()
    # a kept-alive connection gets the same deadline for its next request
    host, port = bot.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while not answer.endswith(b'{"status":"ok"}'):
            answer += conn.recv(4096)
        assert b"200 OK" in answer
        conn.sendall(b"GET /health/live HTTP/1.1\r\nHost:")
        assert _closed_by_server(conn, within=5)


def test_a_body_that_never_arrives_gets_408(start_service):
    bot = start_service(limits=HttpLimits(body_timeout=0.5))
    host, port = bot.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        conn.settimeout(5)
        assert conn.recv(4096).startswith(b"HTTP/1.1 408")


SERVE = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
from bot.cli import main
sys.exit(main(["serve", "--host", "127.0.0.1", "--port", sys.argv[1]]))
"""


@pytest.mark.slow
def test_slow_clients_past_the_file_limit_leave_the_bot_serving(tmp_path, slack):
    """1,100 slow clients filled a 1,024 file-descriptor limit: nothing answered and the log
    grew by megabytes a second. Here 400 of them meet a 256 limit."""
    port = free_port()
    log = (tmp_path / "bot.log").open("wb")
    env = {
        "PATH": "/usr/bin:/bin",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "SRE_BOT_CONFIG": str(tmp_path / "sre-bot.yml"),
    }
    (tmp_path / "sre-bot.yml").write_text("slack: {locale: en}\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(port)], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    slow: list[socket.socket] = []
    try:

        def up() -> bool:
            assert process.poll() is None, (tmp_path / "bot.log").read_text()
            try:
                return httpx.get(url + "/health/live", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        poll_until(up, timeout=20)
        for _ in range(400):
            slow.append(_slow_client(url))
        answered = []
        for _ in range(10):
            started = time.monotonic()
            response = httpx.get(url + "/health/live", timeout=3)
            answered.append((response.status_code, time.monotonic() - started))
        assert all(status == 200 and took < 2 for status, took in answered), answered
        assert process.poll() is None
    finally:
        for conn in slow:
            conn.close()
        process.terminate()
        process.wait(15)
        log.close()
    text = (tmp_path / "bot.log").read_text()
    assert "Too many open files" not in text
    assert len(text) < 20_000, text[-2000:]
