"""Safe text for Slack: escaping, mentions and cutting to Slack's limits."""

import re

# Slack's documented limits for the places we put text.
HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
CONTEXT_MAX = 2000
BUTTON_MAX = 75
OPTION_MAX = 75
MESSAGE_TEXT_MAX = 40_000
MODAL_TITLE_MAX = 24

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape &, < and > so user text can't become a mention, a link or `<!channel>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo `escape` (and Slack's own escaping) for places that show text as is."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cut(text: str, limit: int) -> str:
    """Cut to at most `limit` characters, ending with an ellipsis, never mid-escape."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]  # don't leave half of "&amp;" behind
    return head.rstrip() + ELLIPSIS


def who(actor: str) -> str:
    """A Slack user ID becomes a mention; a name from the CLI is shown as typed."""
    return f"<@{actor}>" if _USER_ID.match(actor) else escape(actor)


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
