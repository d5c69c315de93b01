"""The PromQL client's session: what it sends, and the environment it honours."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from commands.prometheus import Instant, PrometheusClient


@pytest.fixture
def promql_api():
    """A loopback PromQL API that answers every query with one sample and keeps the headers."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append({k.lower(): v for k, v in self.headers.items()})
            body = json.dumps(
                {"status": "success", "data": {"resultType": "vector", "result": []}}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    server.server_close()


def test_answers_are_asked_for_uncompressed(promql_api, monkeypatch):
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    url, seen = promql_api
    client = PrometheusClient(url, timeout=5)
    try:
        assert client.run([Instant("up"), Instant("vector(1)")]) == [[], []]
    finally:
        client.close()
    assert [h.get("accept-encoding") for h in seen] == ["identity", "identity"]


def test_proxy_and_ca_settings_come_from_the_environment_once(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not read until a TLS connection is made")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = PrometheusClient("http://prometheus.example:9090")
    assert client._session.proxies["http"] == "http://proxy.example:3128"
    assert client._session.verify == str(bundle)
    client.close()
    monkeypatch.setenv("NO_PROXY", "prometheus.example")
    bypassed = PrometheusClient("http://prometheus.example:9090")
    assert "http" not in bypassed._session.proxies
    bypassed.close()


def test_a_refused_connection_says_so_in_words_a_person_can_act_on():
    from commands.errors import PrometheusUnavailable
    from tests.conftest import free_port

    client = PrometheusClient(f"http://127.0.0.1:{free_port()}", timeout=5)
    with pytest.raises(PrometheusUnavailable) as raised:
        client.run([Instant("up")])
    client.close()
    assert raised.value.reason == (
        "cannot connect (connection refused: is Prometheus running at that address?)"
    )


def test_a_read_timeout_that_urllib3_retried_is_still_a_timeout(monkeypatch):
    """With retries, urllib3 ends a slow read in "Max retries exceeded", which requests raises
    as a ConnectionError: the person must still read that Prometheus did not answer in time."""
    import requests
    from urllib3.exceptions import MaxRetryError, ReadTimeoutError

    from commands.errors import PrometheusUnavailable

    client = PrometheusClient("http://127.0.0.1:9", timeout=0.5)

    def slow(*args, **kwargs):
        timed_out = ReadTimeoutError(None, "/api/v1/query", "Read timed out. (read timeout=0.5)")
        try:  # as requests' adapter does it
            raise MaxRetryError(None, "/api/v1/query", timed_out)
        except MaxRetryError as retried:
            raise requests.ConnectionError(retried) from None

    monkeypatch.setattr(client._api, "custom_query", slow)
    with pytest.raises(PrometheusUnavailable) as raised:
        client.run([Instant("up")])
    client.close()
    assert raised.value.reason == "no answer within 0.5 s"
