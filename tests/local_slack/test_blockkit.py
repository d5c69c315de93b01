"""The local Slack refuses what real Slack refuses, with the same error code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local_slack.blockkit import BlockKitError, check_answer, check_message, check_view, units
from bot.local_slack.objects import SlackError
from tests.fakes.slack import FakeSlack


def plain(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, **extra}


def mrkdwn(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, **extra}


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def button(action_id: str = "go", text: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), **extra}


def refused(blocks: list[dict[str, Any]], text: str = "fallback") -> SlackError:
    with pytest.raises(SlackError) as caught:
        check_message(text, blocks)
    return caught.value


def modal(**extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Title"), "blocks": [section("hi")], **extra}


def view_refused(view: dict[str, Any]) -> BlockKitError:
    with pytest.raises(BlockKitError) as caught:
        check_view(view)
    return caught.value


def test_units_count_utf16_code_units() -> None:
    assert units("abc") == 3
    assert units("한국어") == 3  # in the BMP: one unit each
    assert units("🔥") == 2  # outside the BMP: a surrogate pair
    assert units("e\u0301") == 2  # a combining mark is its own unit


def test_a_plain_message_passes() -> None:
    check_message("hello", None)
    check_message("hello", [section("*hi*"), {"type": "divider"}])


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section("x" * 3001)], "/blocks/0/text/text"),
        ([section("🔥" * 1501)], "/blocks/0/text/text"),  # 1,501 emoji are 3,002 units
        ([{"type": "header", "text": plain("h" * 151)}], "/blocks/0/text/text"),
        ([{"type": "header", "text": mrkdwn("h")}], "/blocks/0/text/type"),
        ([{"type": "section", "fields": [mrkdwn("f")] * 11}], "/blocks/0/fields"),
        ([{"type": "section", "fields": [mrkdwn("f" * 2001)]}], "/blocks/0/fields/0/text"),
        ([{"type": "section"}], "/blocks/0"),
        (
            [{"type": "actions", "elements": [button(text="b" * 76)]}],
            "/blocks/0/elements/0/text/text",
        ),
        (
            [{"type": "actions", "elements": [button(value="v" * 2001)]}],
            "/blocks/0/elements/0/value",
        ),
        (
            [{"type": "actions", "elements": [button(action_id="a" * 256)]}],
            "/blocks/0/elements/0/action_id",
        ),
        (
            [{"type": "actions", "elements": [button(f"b{i}") for i in range(26)]}],
            "/blocks/0/elements",
        ),
        ([{"type": "actions", "elements": [button(), button()]}], "/blocks/0"),
        ([{"type": "context", "elements": [mrkdwn("c")] * 11}], "/blocks/0/elements"),
        ([{"type": "context", "elements": []}], "/blocks/0/elements"),
        ([section("x", block_id="same"), section("y", block_id="same")], "/blocks"),
        ([section("x")] * 51, "/blocks"),
        ([{"type": "section", "text": mrkdwn("x", emoji=True)}], "/blocks/0/text/emoji"),
        ([{"type": "section", "text": plain("x", verbatim=True)}], "/blocks/0/text/verbatim"),
        ([{"type": "section", "text": mrkdwn("")}], "/blocks/0/text/text"),
        ([{"type": "carousel"}], "/blocks/0/type"),
        (
            [{"type": "actions", "elements": [{"type": "plain_text_input"}]}],
            "/blocks/0/elements/0/type",
        ),
        ([section("x", accessory=button(style="loud"))], "/blocks/0/accessory/style"),
        (
            [
                section(
                    "pick",
                    accessory={
                        "type": "static_select",
                        "action_id": "s",
                        "options": [{"text": plain("o" * 76), "value": "v"}],
                    },
                )
            ],
            "/blocks/0/accessory/options/0/text/text",
        ),
        (
            [
                section(
                    "pick",
                    accessory={
                        "type": "static_select",
                        "action_id": "s",
                        "options": [{"text": plain("o"), "value": "v" * 151}],
                    },
                )
            ],
            "/blocks/0/accessory/options/0/value",
        ),
        (
            [
                section(
                    "pick",
                    accessory={
                        "type": "static_select",
                        "action_id": "s",
                        "options": [{"text": mrkdwn("*o*"), "value": "v"}],
                    },
                )
            ],
            "/blocks/0/accessory/options/0/text/type",
        ),
        (
            [{"type": "section", "text": mrkdwn("x"), "accessory": {"type": "static_select"}}],
            "/blocks/0/accessory/options",
        ),
    ],
)
def test_each_block_kit_limit_is_refused_as_invalid_blocks(
    blocks: list[dict[str, Any]], pointer: str | None
) -> None:
    error = refused(blocks)
    assert error.error == "invalid_blocks"
    assert error.messages and all(m.startswith("[ERROR] ") for m in error.messages)
    if pointer is not None:
        assert any(m.endswith(f"[json-pointer:{pointer}]") for m in error.messages), error.messages


def test_limits_themselves_are_accepted() -> None:
    check_message(
        "t",
        [
            {"type": "header", "text": plain("h" * 150, emoji=True)},
            section("🔥" * 1500),
            {"type": "section", "fields": [mrkdwn("f" * 200)] * 10},
            {"type": "actions", "elements": [button(f"b{i}", "b" * 75) for i in range(25)]},
            {"type": "context", "elements": [mrkdwn("c")] * 10},
            section("x", accessory=button(value="v" * 2000, action_id="a" * 255)),
        ]
        + [{"type": "divider"}] * 44,
    )


def test_blocks_over_12000_characters_in_all_are_msg_blocks_too_long() -> None:
    blocks = [section("x" * 3000)] * 4
    check_message("t", blocks)  # exactly 12,000
    assert refused([*blocks, section("y")]).error == "msg_blocks_too_long"


def test_text_over_40000_characters_is_msg_too_long() -> None:
    check_message("x" * 40_000, None)
    with pytest.raises(SlackError) as caught:
        check_message("x" * 40_001, None)
    assert caught.value.error == "msg_too_long"


def test_modal_limits() -> None:
    check_view(modal(submit=plain("s" * 24), close=plain("c" * 24), private_metadata="m" * 3000))
    for field, pointer in [
        ({"title": plain("t" * 25)}, "/view/title/text"),
        ({"submit": plain("s" * 25)}, "/view/submit/text"),
        ({"close": plain("c" * 25)}, "/view/close/text"),
        ({"title": mrkdwn("t")}, "/view/title/type"),
        ({"private_metadata": "m" * 3001}, "/view/private_metadata"),
        ({"callback_id": "c" * 256}, "/view/callback_id"),
        ({"blocks": [section("x")] * 101}, "/view/blocks"),
    ]:
        error = view_refused(modal(**field))
        assert error.error == "invalid_arguments"
        assert any(m.endswith(f"[json-pointer:{pointer}]") for m in error.messages), field
    check_view(modal(blocks=[section("x")] * 100))


def test_a_modal_with_inputs_needs_a_submit_button() -> None:
    inputs = [
        {
            "type": "input",
            "block_id": "b",
            "label": plain("Name"),
            "element": {"type": "plain_text_input", "action_id": "a"},
        }
    ]
    view_refused(modal(blocks=inputs))
    check_view(modal(blocks=inputs, submit=plain("Save")))


def test_answers_are_checked_as_the_surface_they_become() -> None:
    check_answer({"response_action": "errors", "errors": {"b": "Required"}})
    with pytest.raises(BlockKitError):
        check_answer({"response_action": "errors", "errors": {"b": 3}})
    with pytest.raises(BlockKitError):
        check_answer({"response_action": "update", "view": modal(title=plain("t" * 25))})
    with pytest.raises(SlackError):
        check_answer({"text": "t", "blocks": [section("x" * 3001)]})
    check_answer({"response_action": "clear"})


# ---- through the Web API


@pytest.fixture()
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture()
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.api_url)


def test_the_web_api_refuses_with_slacks_code_and_messages(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="incidents", text="t", blocks=[section("x" * 3001)])
    data = caught.value.response.data
    assert isinstance(data, dict)
    assert data["error"] == "invalid_blocks"
    assert data["response_metadata"]["messages"][0].startswith("[ERROR] must be less than 3001")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="incidents", text="t", blocks=[section("x" * 2500)] * 5)
    assert caught.value.response["error"] == "msg_blocks_too_long"


def test_update_needs_channel_and_ts(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="incidents", text="first")
    with pytest.raises(SlackApiError) as caught:
        client.api_call("chat.update", json={"ts": posted["ts"], "text": "x"})
    assert caught.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as caught:
        client.api_call("chat.update", json={"channel": posted["channel"], "text": "x"})
    assert caught.value.response["error"] == "message_not_found"
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(
            channel=posted["channel"], ts=posted["ts"], text="x", blocks=[section("")]
        )
    assert caught.value.response["error"] == "invalid_blocks"
    assert client.chat_update(channel=posted["channel"], ts=posted["ts"], text="fine")["ok"]


def test_views_open_refuses_a_long_title(client: WebClient, slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id="t", view=modal(title=plain("t" * 25)))
    assert caught.value.response["error"] == "invalid_arguments"
