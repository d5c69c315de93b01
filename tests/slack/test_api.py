"""Sorting Slack's answers into what the outbox does next."""

import pytest
from slack_sdk import WebClient

from bot.slack.api import SlackFailure, call


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ("invalid_blocks", "shape"),
        ("invalid_blocks_format", "shape"),
        ("msg_blocks_too_long", "shape"),
        ("msg_too_long", "shape"),
        ("invalid_arguments", "shape"),
        ("too_many_attachments", "shape"),
        ("channel_not_found", "permanent"),
        ("message_not_found", "permanent"),
        ("token_revoked", "operator"),
        ("missing_scope", "operator"),
        ("not_in_channel", "not_in_channel"),
        ("internal_error", "unavailable"),
        ("service_unavailable", "unavailable"),
        ("an_error_nobody_has_seen", "unknown"),
    ],
)
def test_each_refusal_is_sorted(slack, error, kind):
    client = WebClient(token="xoxb-test", base_url=slack.api_url, retry_handlers=[])
    slack.error("chat.postMessage", error)
    with pytest.raises(SlackFailure) as raised:
        call(client, "chat.postMessage", channel="incidents", text="x")
    assert (raised.value.kind, raised.value.error) == (kind, error)


def test_5xx_429_and_timeouts_are_retried(slack):
    client = WebClient(token="xoxb-test", base_url=slack.api_url, timeout=1, retry_handlers=[])
    slack.fail("chat.postMessage", status=502)
    with pytest.raises(SlackFailure) as raised:
        call(client, "chat.postMessage", channel="incidents", text="x")
    assert raised.value.kind == "unavailable"
    slack.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(SlackFailure) as raised:
        call(client, "chat.postMessage", channel="incidents", text="x")
    assert (raised.value.kind, raised.value.retry_after) == ("rate_limited", 7.0)
    slack.hang("chat.postMessage", seconds=3)
    with pytest.raises(SlackFailure) as raised:
        call(client, "chat.postMessage", channel="incidents", text="x")
    assert (raised.value.kind, raised.value.error) == ("unavailable", "timeout")
