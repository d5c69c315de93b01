"""Names by user ID from users.info: cached, and a failure costs one call a minute at most."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack.directory import Directory
from tests.fakes.slack import FakeSlack


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_names_are_looked_up_once_and_kept() -> None:
    with FakeSlack(channels=["incidents"]) as slack:
        kim = slack.workspace.ensure_user("U0123KIM", "kim", real_name="Kim Minsu")
        ticks = Ticks()
        directory = Directory(
            WebClient(token="xoxb-test", base_url=slack.api_url, retry_handlers=[]), clock=ticks
        )
        assert directory.name(kim.id) == "kim"  # the display name first
        assert directory.name(kim.id) == "kim"
        assert len(slack.calls("users.info")) == 1
        ticks.now += 3601  # an hour later the name is asked again
        directory.name(kim.id)
        assert len(slack.calls("users.info")) == 2
        assert directory.name("not an id") is None
        assert len(slack.calls("users.info")) == 2


def test_an_unknown_person_or_a_failing_slack_shows_the_id_and_is_asked_again_later() -> None:
    with FakeSlack(channels=["incidents"]) as slack:
        ticks = Ticks()
        directory = Directory(
            WebClient(token="xoxb-test", base_url=slack.api_url, retry_handlers=[]), clock=ticks
        )
        assert directory.name("U0NOBODY") is None  # user_not_found
        slack.fail("users.info", status=500, times=None)
        assert directory.name("U0NOBODY") is None  # remembered: no second call
        assert len(slack.calls("users.info")) == 1
        ticks.now += 61
        assert directory.name("U0NOBODY") is None
        assert len(slack.calls("users.info")) == 2
