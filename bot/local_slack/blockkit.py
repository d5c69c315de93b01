"""Slack's Block Kit rules, checked as Slack checks them: a message or modal Slack would refuse
is refused here, with Slack's error code and a pointer to the part at fault.

Limits are Slack's documented ones (docs.slack.dev, "Block Kit" reference): 50 blocks in a
message and 100 in a modal; section text 3,000 and at most 10 fields of 2,000; a header 150;
a button's text 75, value 2,000, action_id 255; 25 elements in an actions block and 10 in a
context block; an option's text 75 and value 150; a modal's title, submit and close 24 and
its private_metadata 3,000. Slack counts characters without saying which; the strictest
reading is used here, UTF-16 code units. A message whose blocks hold more than 12,000
characters of text in all is refused as `msg_blocks_too_long`, and `text` over 40,000 as
`msg_too_long`, as Slack does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.local_slack.objects import SlackError

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
BLOCKS_TEXT = 12_000
MESSAGE_TEXT = 40_000

TEXT_TYPES = ("plain_text", "mrkdwn")
INTERACTIVE = {
    "button",
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "external_select",
    "channels_select",
    "conversations_select",
    "multi_channels_select",
    "multi_conversations_select",
    "multi_external_select",
    "multi_static_select",
    "multi_users_select",
    "number_input",
    "overflow",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "static_select",
    "timepicker",
    "url_text_input",
    "users_select",
    "workflow_button",
}
SELECTS = {"static_select", "multi_static_select"}
INPUTS = INTERACTIVE - {"button", "overflow", "workflow_button"}
TEXT_INPUTS = {
    "email_text_input",
    "number_input",
    "plain_text_input",
    "rich_text_input",
    "url_text_input",
}
BLOCK_TYPES = {
    "actions",
    "context",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "markdown",
    "rich_text",
    "section",
    "video",
}


def units(text: str) -> int:
    """Length in UTF-16 code units: an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


class BlockKitError(SlackError):
    def __init__(self, error: str, problems: list[str]) -> None:
        super().__init__(error, [f"[ERROR] {p}" for p in problems])


class _Checker:
    def __init__(self, surface: str) -> None:
        self.surface = surface  # message | modal | home
        self.problems: list[str] = []
        self.text_total = 0

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{problem} [json-pointer:{where}]")

    # -- composition objects

    def text(
        self,
        obj: Any,
        where: str,
        *,
        limit: int,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.fail(where, "must be provided")
            return
        if not isinstance(obj, dict) or obj.get("type") not in TEXT_TYPES:
            self.fail(where, "must be a text object (plain_text or mrkdwn)")
            return
        kind, value = obj["type"], obj.get("text")
        if plain_only and kind != "plain_text":
            self.fail(f"{where}/type", "must be plain_text")
        if not isinstance(value, str) or not value:
            self.fail(f"{where}/text", "must be a non-empty string")
            return
        if "emoji" in obj and kind != "plain_text":
            self.fail(f"{where}/emoji", "is only allowed on plain_text")
        if "verbatim" in obj and kind != "mrkdwn":
            self.fail(f"{where}/verbatim", "is only allowed on mrkdwn")
        extra = set(obj) - {"type", "text", "emoji", "verbatim"}
        if extra:
            self.fail(f"{where}/{sorted(extra)[0]}", "is not a field of a text object")
        length = units(value)
        self.text_total += length
        if length > limit:
            self.fail(f"{where}/text", f"must be less than {limit + 1} characters")

    def string(self, value: Any, where: str, limit: int, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.fail(where, "must be provided")
            return
        if not isinstance(value, str):
            self.fail(where, "must be a string")
        elif units(value) > limit:
            self.fail(where, f"must be less than {limit + 1} characters")

    def option(self, option: Any, where: str, *, mrkdwn: bool) -> None:
        if not isinstance(option, dict):
            self.fail(where, "must be an option object")
            return
        self.text(option.get("text"), f"{where}/text", limit=75, plain_only=not mrkdwn)
        self.string(option.get("value"), f"{where}/value", 150, required=True)
        if option.get("description") is not None:
            self.text(option["description"], f"{where}/description", limit=75, plain_only=True)

    # -- elements

    def element(self, element: Any, where: str, allowed: Iterable[str]) -> str | None:
        if not isinstance(element, dict):
            self.fail(where, "must be an element object")
            return None
        kind = element.get("type")
        if kind == "image":
            self.string(element.get("image_url"), f"{where}/image_url", 3000, required=True)
            self.string(element.get("alt_text"), f"{where}/alt_text", 2000, required=True)
            return None
        if not isinstance(kind, str) or kind not in allowed:
            self.fail(f"{where}/type", f"{kind!r} is not allowed here")
            return None
        self.string(element.get("action_id"), f"{where}/action_id", 255)
        if kind == "button":
            self.text(element.get("text"), f"{where}/text", limit=75, plain_only=True)
            self.string(element.get("value"), f"{where}/value", 2000)
            self.string(element.get("url"), f"{where}/url", 3000)
            if element.get("style") not in (None, "primary", "danger"):
                self.fail(f"{where}/style", "must be primary or danger")
        if "placeholder" in element:
            self.text(element["placeholder"], f"{where}/placeholder", limit=150, plain_only=True)
        options = element.get("options")
        if kind in SELECTS | {"checkboxes", "radio_buttons", "overflow"}:
            if kind in SELECTS and options is None and element.get("option_groups") is None:
                self.fail(f"{where}/options", "must be provided")
            most = {"overflow": 5, "radio_buttons": 10, "checkboxes": 10}.get(kind, 100)
            if options is not None:
                if not isinstance(options, list) or not 1 <= len(options) <= most:
                    self.fail(f"{where}/options", f"must hold 1 to {most} options")
                else:
                    mrkdwn = kind in ("checkboxes", "radio_buttons")
                    for i, option in enumerate(options):
                        self.option(option, f"{where}/options/{i}", mrkdwn=mrkdwn)
        if kind == "plain_text_input":
            for bound in ("min_length", "max_length"):
                value = element.get(bound)
                if value is not None and not (isinstance(value, int) and 0 <= value <= 3000):
                    self.fail(f"{where}/{bound}", "must be a number from 0 to 3000")
        return str(element.get("action_id") or "") or None

    # -- blocks

    def block(self, block: Any, where: str) -> None:
        if not isinstance(block, dict):
            self.fail(where, "must be a block object")
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.fail(f"{where}/type", f"{kind!r} is not a block type")
            return
        self.string(block.get("block_id"), f"{where}/block_id", 255)
        action_ids: list[str | None] = []
        if kind == "section":
            if block.get("text") is None and not block.get("fields"):
                self.fail(where, "must have text or fields")
            if block.get("text") is not None:
                self.text(block["text"], f"{where}/text", limit=3000)
            fields = block.get("fields")
            if fields is not None:
                if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
                    self.fail(f"{where}/fields", "must hold 1 to 10 items")
                else:
                    for i, item in enumerate(fields):
                        self.text(item, f"{where}/fields/{i}", limit=2000)
            if block.get("accessory") is not None:
                allowed = INTERACTIVE - TEXT_INPUTS
                action_ids.append(self.element(block["accessory"], f"{where}/accessory", allowed))
        elif kind == "header":
            self.text(block.get("text"), f"{where}/text", limit=150, plain_only=True)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                self.fail(f"{where}/elements", "must hold 1 to 10 items")
            else:
                for i, item in enumerate(elements):
                    if isinstance(item, dict) and item.get("type") == "image":
                        self.element(item, f"{where}/elements/{i}", ())
                    else:
                        self.text(item, f"{where}/elements/{i}", limit=3000)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                self.fail(f"{where}/elements", "must hold 1 to 25 items")
            else:
                for i, item in enumerate(elements):
                    action_ids.append(
                        self.element(item, f"{where}/elements/{i}", INTERACTIVE - TEXT_INPUTS)
                    )
        elif kind == "input":
            self.text(block.get("label"), f"{where}/label", limit=2000, plain_only=True)
            if block.get("hint") is not None:
                self.text(block["hint"], f"{where}/hint", limit=2000, plain_only=True)
            action_ids.append(self.element(block.get("element"), f"{where}/element", INPUTS))
        elif kind == "image":
            self.string(block.get("image_url"), f"{where}/image_url", 3000)
            self.string(block.get("alt_text"), f"{where}/alt_text", 2000, required=True)
        elif kind == "markdown":
            self.string(block.get("text"), f"{where}/text", 12_000, required=True)
        named = [a for a in action_ids if a]
        if len(named) != len(set(named)):
            self.fail(where, "action_id values must be unique within a block")

    def blocks(self, blocks: Any, where: str, most: int) -> None:
        if not isinstance(blocks, list):
            self.fail(where, "must be a list of blocks")
            return
        if len(blocks) > most:
            self.fail(where, f"no more than {most} items allowed")
        ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
        if len(ids) != len(set(ids)):
            self.fail(where, "block_id values must be unique")
        for i, block in enumerate(blocks):
            self.block(block, f"{where}/{i}")


def check_message(text: Any, blocks: Any) -> None:
    """Raise what Slack answers for a message it would refuse (chat.postMessage,
    chat.update, chat.postEphemeral, a response_url, a slash command's answer)."""
    if text is not None and not isinstance(text, str):
        raise BlockKitError("invalid_arguments", ["text must be a string [json-pointer:/text]"])
    if text and units(text) > MESSAGE_TEXT:
        raise SlackError("msg_too_long")
    if blocks is None:
        return
    checker = _Checker("message")
    checker.blocks(blocks, "/blocks", MESSAGE_BLOCKS)
    if checker.problems:
        raise BlockKitError("invalid_blocks", checker.problems)
    if checker.text_total > BLOCKS_TEXT:
        raise SlackError("msg_blocks_too_long")


def check_view(view: Any) -> None:
    """Raise what Slack answers (invalid_arguments) for a modal or Home tab it would refuse."""
    checker = _Checker("modal")
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise BlockKitError("invalid_arguments", ["view type must be modal or home"])
    if view["type"] == "modal":
        checker.text(view.get("title"), "/view/title", limit=24, plain_only=True)
        for name in ("submit", "close"):
            if view.get(name) is not None:
                checker.text(view[name], f"/view/{name}", limit=24, plain_only=True)
        has_inputs = any(
            isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
        )
        if has_inputs and view.get("submit") is None:
            checker.fail("/view/submit", "must be provided when the view holds input blocks")
    checker.string(view.get("private_metadata"), "/view/private_metadata", 3000)
    checker.string(view.get("callback_id"), "/view/callback_id", 255)
    checker.string(view.get("external_id"), "/view/external_id", 255)
    checker.blocks(view.get("blocks", []), "/view/blocks", VIEW_BLOCKS)
    if checker.problems:
        raise BlockKitError("invalid_arguments", checker.problems)


def check_answer(answer: Any) -> None:
    """Raise what Slack shows the person for an acknowledgement it would refuse: a slash
    command's or a button's answer (a message), or a form's `response_action`."""
    if not isinstance(answer, dict):
        return
    action = answer.get("response_action")
    if action in ("update", "push"):
        check_view(answer.get("view"))
    elif action == "errors":
        errors = answer.get("errors")
        if not isinstance(errors, dict) or not all(isinstance(v, str) for v in errors.values()):
            raise BlockKitError("invalid_arguments", ["errors must map block_id to a string"])
    elif action is None and ("text" in answer or "blocks" in answer):
        check_message(answer.get("text"), answer.get("blocks"))
