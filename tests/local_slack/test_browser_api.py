"""The browser page's API, without a browser: what it serves and how it refuses bad input."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from bot.local_slack.browser import mount_browser
from bot.local_slack.terminal_base import BotLink
from tests.conftest import free_port, poll_until
from tests.fakes.slack import FakeSlack


@pytest.fixture
def page(clock) -> Iterator[tuple[httpx.Client, FakeSlack]]:
    slack = FakeSlack(channels=["incidents"])
    app = FastAPI()
    nobody = f"http://127.0.0.1:{free_port()}/slack/events"  # no bot there
    mount_browser(app, BotLink(slack.workspace, slack, nobody, "secret", clock))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    poll_until(lambda: server.started)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
        yield client, slack
    server.should_exit = True
    thread.join(10)
    slack.close()


def test_the_page_and_its_workspace(page) -> None:
    client, _ = page
    html = client.get("/local/")
    assert html.status_code == 200 and "<title>Local Slack" in html.text
    assert client.get("/local/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/local/../sre-bot.db").status_code == 404
    assert client.get("/local/nothing.html").status_code == 404
    described = client.get("/local/api/workspace").json()
    assert [c["name"] for c in described["channels"]] == ["incidents"]
    assert {c["command"] for c in described["commands"]} == {
        "/incident",
        "/oncall",
        "/slo",
        "/runbook",
        "/health",
    }
    assert described["bot"]["name"] == "sre-bot"


def test_bad_requests_get_clear_answers(page) -> None:
    client, _ = page
    alice = client.post("/local/api/people", json={"user": "alice"}).json()
    assert alice["name"] == "alice"
    assert client.post("/local/api/people", json={"user": "U0NOBODY"}).status_code == 404
    assert (
        client.post("/local/api/command", json={"user": alice["id"], "text": "hello"}).status_code
        == 422
    )
    assert (
        client.post(
            "/local/api/press", json={"user": alice["id"], "kind": "bogus", "where": "C1"}
        ).status_code
        == 422
    )
    assert client.get(f"/local/api/channels/C0NOPE?user={alice['id']}").status_code == 404
    closed = client.post("/local/api/submit", json={"user": alice["id"], "view_id": "V0NOPE"})
    assert closed.status_code == 409
    assert client.get("/local/files/F0NOPE").status_code == 404


def test_a_bot_that_cannot_be_reached_is_said_so(page) -> None:
    client, _ = page
    alice = client.post("/local/api/people", json={"user": "alice"}).json()
    answer = client.post(
        "/local/api/command",
        json={"user": alice["id"], "channel": "incidents", "text": "/incident help"},
    ).json()
    assert answer["ok"] is False
    assert "could not reach the bot" in answer["problems"][0]


def test_changes_answer_at_once_when_something_already_changed(page) -> None:
    client, slack = page
    seq = client.get("/local/api/workspace").json()["seq"]
    slack.workspace.post_message("incidents", "new")
    assert client.get(f"/local/api/changes?after={seq}").json()["seq"] > seq
