"""Safe text for Slack: escaping, mentions, and cutting to Slack's limits as Slack counts.

Slack does not say what a "character" is. Lengths here are UTF-16 code units, never fewer
than code points, so text within a limit here is within it by either count.
"""

import copy

from bot.slack.limits import (
    BLOCKS_TEXT_MAX,
    BUTTON_MAX,
    MESSAGE_BLOCKS_MAX,
    MESSAGE_TEXT_MAX,
    SECTION_MAX,
)
from commands.people import is_user_id

ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape &, < and > so user text can't become a mention, a link or `<!channel>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo `escape` (and Slack's own escaping) for places that show text as is."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def units(text: str) -> int:
    """Length in UTF-16 code units: an emoji outside the BMP counts as two."""
    return len(text.encode("utf-16-le")) // 2


def _head(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` code units, never half a surrogate pair."""
    data = text.encode("utf-16-le")[: 2 * limit]
    if len(data) >= 2 and 0xD8 <= data[-1] <= 0xDB:  # a high surrogate without its pair
        data = data[:-2]
    return data.decode("utf-16-le")


def cut(text: str, limit: int, *, lines: bool = False) -> str:
    """Cut to at most `limit` code units, ending with an ellipsis: never inside an escape
    (`&amp;`), a mention or link (`<@U1>`), or an emoji's surrogate pair. `lines`: end at a
    line break when there is one in the second half, so a list loses whole lines."""
    if len(text) * 2 <= limit or units(text) <= limit:
        return text
    if limit < 1:
        return ""
    head = _head(text, limit - 1)
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]  # don't leave half of "&amp;" behind
    if head.rfind("<") > head.rfind(">"):
        head = head[: head.rfind("<")]  # nor half of "<@U123>" or "<https://…|label>"
    if lines and head.rfind("\n") >= len(head) // 2:
        head = head[: head.rfind("\n")]
    return head.rstrip().rstrip("\u200d") + ELLIPSIS


def who(actor: str) -> str:
    """A Slack user ID becomes a mention; a name from the CLI is shown as typed."""
    return f"<@{actor}>" if is_user_id(actor) else escape(actor)


def plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": cut(text, limit) or " ", "emoji": True}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    """A Block Kit button; `style` is "primary" or "danger"."""
    made = {
        "type": "button",
        "text": plain(label, BUTTON_MAX),
        "action_id": str(action_id),
        "value": value,
    }
    if style:
        made["style"] = style
    return made


def mrkdwn(text: str, limit: int = SECTION_MAX) -> dict:
    return {"type": "mrkdwn", "text": cut(text, limit) or " "}


def quote(text: str) -> str:
    """User text as a Slack block quote, escaped."""
    return "\n".join("> " + line for line in escape(text).splitlines() or [""])


def line_sections(lines: list[str], limit: int = SECTION_MAX) -> list[dict]:
    """Lines packed into as few sections as they fill, each within `limit`, split only
    between lines (a single line longer than `limit` is cut)."""
    sections: list[list[str]] = [[]]
    size = 0
    for line in lines:
        line = cut(line, limit)
        if sections[-1] and size + 1 + units(line) > limit:
            sections.append([])
            size = 0
        size += units(line) + (1 if sections[-1] else 0)
        sections[-1].append(line)
    return [{"type": "section", "text": mrkdwn("\n".join(s))} for s in sections if any(s)]


def code(text: str, limit: int = SECTION_MAX) -> str:
    """Text in a code block (shown as is, so it can be copied), escaped, then cut to fit
    `limit` with its fences; a cut loses whole lines."""
    return "```\n" + cut(escape(text), limit - 8, lines=True) + "\n```"


def blocks_text(blocks: list[dict]) -> str:
    """The words of Block Kit blocks as mrkdwn lines: headers, sections and their fields,
    context, rich text left out (the fallback for a message whose blocks Slack refused)."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        text = block.get("text")
        if isinstance(text, dict) and text.get("text"):
            line = str(text["text"])
            lines.append(f"*{line}*" if kind == "header" else line)
        for item in block.get("fields") or []:
            if isinstance(item, dict) and item.get("text"):
                lines.append(str(item["text"]).replace("\n", ": ", 1))
        if kind == "context":
            words = [str(e.get("text")) for e in block.get("elements") or [] if e.get("text")]
            if words:
                lines.append(" · ".join(words))
    return "\n".join(lines)


def plain_fallback(payload: dict, *, replace_blocks: bool = False) -> dict:
    """The message as plain text, within any limit Slack sets: for a message Slack refused
    for its shape. `replace_blocks`: an edit also replaces the old blocks (and their
    buttons) with one section, since an edit without blocks would keep them."""
    words = blocks_text(payload.get("blocks") or []) or str(payload.get("text") or "")
    text = cut(words.strip(), SECTION_MAX) or ELLIPSIS
    out = {k: v for k, v in payload.items() if k not in ("text", "blocks", "attachments")}
    out["text"] = text
    if replace_blocks:
        out["blocks"] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    return out


# ---- a whole message within Slack's limits


def _text_objects(node: object) -> list[dict]:
    """Every text object in `node` (blocks, elements, options), in order."""
    found: list[dict] = []
    if isinstance(node, list):
        for item in node:
            found += _text_objects(item)
    elif isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            found.append(node)
        else:
            for value in node.values():
                if isinstance(value, (dict, list)):
                    found += _text_objects(value)
    return found


def _prose(blocks: list[dict]) -> list[dict]:
    """The text objects that may be shortened: section text and fields, context text."""
    found: list[dict] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            found += [o for o in [block.get("text"), *(block.get("fields") or [])] if o]
        elif kind == "context":
            found += [e for e in block.get("elements") or [] if e.get("type") != "image"]
    return [o for o in found if isinstance(o.get("text"), str)]


def _cap(lengths: list[int], budget: int) -> int:
    """The largest cap such that the lengths, each cut to it, fit in `budget` (at least 2)."""
    low, high = 2, max(lengths)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(min(n, middle) for n in lengths) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def blocks_units(blocks: list[dict]) -> int:
    """The text of all blocks together, as Slack adds it up for msg_blocks_too_long."""
    return sum(units(o["text"]) for o in _text_objects(blocks))


def fit(message: dict) -> dict:
    """The message within what Slack accepts: `text` cut to MESSAGE_TEXT_MAX; at most 50
    blocks (the buttons kept); and the blocks' text within BLOCKS_TEXT_MAX in all, by cutting
    the longest sections first, so short ones (the status, the owner) stay whole."""
    text = message.get("text")
    blocks = message.get("blocks")
    if isinstance(text, str) and units(text) > MESSAGE_TEXT_MAX:
        message = {**message, "text": cut(text, MESSAGE_TEXT_MAX, lines=True)}
    if not blocks:
        return message
    if len(blocks) <= MESSAGE_BLOCKS_MAX and blocks_units(blocks) <= BLOCKS_TEXT_MAX:
        return message
    blocks = copy.deepcopy(blocks)
    if len(blocks) > MESSAGE_BLOCKS_MAX:
        tail = [b for b in blocks[MESSAGE_BLOCKS_MAX - 1 :] if b.get("type") == "actions"]
        keep = MESSAGE_BLOCKS_MAX - 1 - len(tail)
        more = {"type": "context", "elements": [mrkdwn(f"… +{len(blocks) - keep - len(tail)}")]}
        blocks = [*blocks[:keep], more, *tail]
    prose = _prose(blocks)
    lengths = [units(o["text"]) for o in prose]
    budget = BLOCKS_TEXT_MAX - (blocks_units(blocks) - sum(lengths))
    if prose and sum(lengths) > budget:
        cap = _cap(lengths, budget)
        for obj, length in zip(prose, lengths, strict=True):
            if length > cap:
                obj["text"] = cut(obj["text"], cap, lines=True)
    return {**message, "blocks": blocks}


def message(text: str, blocks: list[dict] | None = None, **fields: object) -> dict:
    """A message as builders return it: `text` (the notification and screen-reader words)
    and `blocks`, fitted to Slack's limits."""
    built: dict = {"text": text, **fields}
    if blocks is not None:
        built["blocks"] = blocks
    return fit(built)


def section_message(body: str) -> dict:
    """A message of one mrkdwn section, `body` also its notification text."""
    return message(body, [{"type": "section", "text": mrkdwn(body)}])
