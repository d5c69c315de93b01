"""Render Block Kit as terminal text, roughly as Slack shows it. Pure functions.

`names` maps a user or channel ID to its name (for `<@U0001>` → `@alice`); `number` is called
with `(block_id, button)` for every button rendered and returns the number shown as `[N] Label`,
so a caller can number the buttons of many messages in one sequence and press them later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from bot.slack.blocks import unescape

NameLookup = Callable[[str], "str | None"]
Numberer = Callable[["str | None", dict[str, Any]], int]

DIVIDER = "─" * 40

_ANGLE = re.compile(r"<([^<>\n]+)>")


def _name(names: NameLookup | None, object_id: str) -> str | None:
    return names(object_id) if names is not None else None


def _link(body: str, names: NameLookup | None) -> str:
    target, _, label = body.partition("|")
    if target.startswith("@"):
        return "@" + (_name(names, target[1:]) or label.lstrip("@") or target[1:])
    if target.startswith("#"):
        return "#" + (_name(names, target[1:]) or label.lstrip("#") or target[1:])
    if target.startswith("!"):
        command = target[1:]
        if command in ("here", "channel", "everyone"):
            return "@" + command
        if command.startswith("subteam^"):
            group = command.split("^", 1)[1]
            return label or "@" + (_name(names, group) or group)
        return label or "@" + command.split("^", 1)[0]
    if target.startswith("mailto:"):
        return label or target[len("mailto:") :]
    if label and label != target:
        return f"{label} ({target})"
    return target


def mrkdwn(text: str, names: NameLookup | None = None) -> str:
    """Slack mrkdwn made readable: mentions, channel links, URLs and special mentions resolved."""
    return unescape(_ANGLE.sub(lambda m: _link(m.group(1), names), text))


def text_of(obj: Any, names: NameLookup | None = None) -> str:
    """The displayed text of a text object (`plain_text` as is, `mrkdwn` resolved) or a str."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return mrkdwn(obj, names)
    if isinstance(obj, dict):
        text = str(obj.get("text", ""))
        return mrkdwn(text, names) if obj.get("type") == "mrkdwn" else text
    return str(obj)


def _options_text(options: Iterable[dict[str, Any]]) -> str:
    return " | ".join(text_of(o.get("text")) for o in options)


def render_element(
    element: dict[str, Any],
    *,
    block_id: str | None = None,
    names: NameLookup | None = None,
    number: Numberer | None = None,
) -> str:
    """One interactive or image element, inline: `[3] Acknowledge`, `[select: Severity ▾]`."""
    kind = element.get("type", "")
    if kind == "button":
        label = text_of(element.get("text"), names)
        shown = f"[{number(block_id, element)}] {label}" if number else f"[{label}]"
        return f"{shown} ({element['url']})" if element.get("url") else shown
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind in ("mrkdwn", "plain_text"):
        return text_of(element, names)
    if kind == "overflow":
        return f"[⋯ {_options_text(element.get('options', []))}]"
    if kind in ("checkboxes", "radio_buttons"):
        return f"[{kind}: {_options_text(element.get('options', []))}]"
    if kind == "datepicker":
        return f"[date: {element.get('initial_date') or text_of(element.get('placeholder'))}]"
    if kind == "timepicker":
        return f"[time: {element.get('initial_time') or text_of(element.get('placeholder'))}]"
    if kind.endswith("select"):
        initial = element.get("initial_option")
        shown = text_of(initial.get("text")) if initial else text_of(element.get("placeholder"))
        return f"[{shown or kind} ▾]"
    return f"[{kind}]"


def render_header(block: dict[str, Any], names: NameLookup | None = None) -> list[str]:
    return [f"== {text_of(block.get('text'), names)} =="]


def render_divider(block: dict[str, Any]) -> list[str]:
    return [DIVIDER]


def render_section(
    block: dict[str, Any],
    names: NameLookup | None = None,
    number: Numberer | None = None,
) -> list[str]:
    lines = text_of(block.get("text"), names).splitlines() if block.get("text") else []
    for field in block.get("fields") or []:
        lines.append("  ".join(part for part in text_of(field, names).splitlines() if part))
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        lines.append(
            render_element(accessory, block_id=block.get("block_id"), names=names, number=number)
        )
    return lines


def render_context(block: dict[str, Any], names: NameLookup | None = None) -> list[str]:
    parts = [render_element(e, names=names) for e in block.get("elements") or []]
    return ["  ".join(p for p in parts if p)]


def render_actions(
    block: dict[str, Any],
    names: NameLookup | None = None,
    number: Numberer | None = None,
) -> list[str]:
    parts = [
        render_element(e, block_id=block.get("block_id"), names=names, number=number)
        for e in block.get("elements") or []
    ]
    return ["  ".join(parts)]


def render_input(block: dict[str, Any], names: NameLookup | None = None) -> list[str]:
    label = text_of(block.get("label"), names)
    lines = [f"{label} (optional)" if block.get("optional") else label]
    element = block.get("element") or {}
    kind = element.get("type", "")
    placeholder = text_of(element.get("placeholder"))
    if kind == "plain_text_input":
        kind = "multi-line text" if element.get("multiline") else "text"
        shown = element.get("initial_value") or placeholder
    elif element.get("options") or element.get("option_groups"):
        options = element.get("options") or [
            o for g in element.get("option_groups", []) for o in g.get("options", [])
        ]
        shown = _options_text(options)
    else:
        shown = placeholder
    lines.append(f"  [{kind}: {shown}]" if shown else f"  [{kind}]")
    if block.get("hint"):
        lines.append(f"  {text_of(block['hint'], names)}")
    return lines


def _rich_section(elements: Iterable[dict[str, Any]], names: NameLookup | None) -> str:
    out = []
    for e in elements:
        kind = e.get("type")
        if kind == "text":
            out.append(e.get("text", ""))
        elif kind == "link":
            url, text = e.get("url", ""), e.get("text")
            out.append(f"{text} ({url})" if text and text != url else url)
        elif kind == "user":
            out.append("@" + (_name(names, e.get("user_id", "")) or e.get("user_id", "")))
        elif kind == "channel":
            out.append("#" + (_name(names, e.get("channel_id", "")) or e.get("channel_id", "")))
        elif kind == "usergroup":
            out.append("@" + e.get("usergroup_id", ""))
        elif kind == "broadcast":
            out.append("@" + e.get("range", "here"))
        elif kind == "emoji":
            out.append(f":{e.get('name', '')}:")
        elif kind == "date":
            out.append(e.get("fallback") or str(e.get("timestamp", "")))
    return "".join(out)


def render_rich_text(block: dict[str, Any], names: NameLookup | None = None) -> list[str]:
    lines: list[str] = []
    for part in block.get("elements") or []:
        kind = part.get("type")
        if kind == "rich_text_list":
            indent = "  " * int(part.get("indent", 0))
            for i, item in enumerate(part.get("elements") or [], start=1):
                bullet = f"{i}." if part.get("style") == "ordered" else "•"
                lines.append(f"{indent}{bullet} {_rich_section(item.get('elements', []), names)}")
        elif kind == "rich_text_preformatted":
            lines.append("```")
            lines.extend(_rich_section(part.get("elements", []), names).splitlines())
            lines.append("```")
        elif kind == "rich_text_quote":
            text = _rich_section(part.get("elements", []), names)
            lines.extend(f"> {line}" for line in text.splitlines())
        else:
            lines.extend(_rich_section(part.get("elements", []), names).splitlines())
    return lines


def render_block(
    block: dict[str, Any],
    *,
    names: NameLookup | None = None,
    number: Numberer | None = None,
) -> list[str]:
    """One block as lines of text."""
    kind = block.get("type")
    if kind == "header":
        return render_header(block, names)
    if kind == "section":
        return render_section(block, names, number)
    if kind == "context":
        return render_context(block, names)
    if kind == "divider":
        return render_divider(block)
    if kind == "actions":
        return render_actions(block, names, number)
    if kind == "input":
        return render_input(block, names)
    if kind == "rich_text":
        return render_rich_text(block, names)
    if kind == "markdown":
        return str(block.get("text", "")).splitlines()
    if kind == "image":
        title = text_of(block.get("title"))
        return [f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else "")]
    if kind == "video":
        return [f"[video: {text_of(block.get('title'))}]"]
    return [f"[{kind} block]"]


def render_blocks(
    blocks: Iterable[dict[str, Any]],
    *,
    names: NameLookup | None = None,
    number: Numberer | None = None,
) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines.extend(render_block(block, names=names, number=number))
    return lines


def render_message(
    text: str,
    blocks: Iterable[dict[str, Any]] | None = None,
    *,
    files: Iterable[dict[str, Any]] | None = None,
    names: NameLookup | None = None,
    number: Numberer | None = None,
) -> list[str]:
    """A message as Slack shows it: its blocks if it has any, else its text; then its files."""
    blocks = list(blocks or [])
    lines = render_blocks(blocks, names=names, number=number) if blocks else []
    if not blocks and text:
        lines = mrkdwn(text, names).splitlines()
    for f in files or []:
        name = f.get("name") or f.get("id") or "file"
        title = f.get("title") or name
        size = f"{f.get('size', 0)} bytes"
        lines.append(
            f"[file: {title} ({name}, {size})]" if title != name else f"[file: {name} ({size})]"
        )
    return lines
