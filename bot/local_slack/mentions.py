"""What Slack does to a slash command's text when the app manifest sets `should_escape: true`:
`@name` becomes `<@U…|name>`, `#channel` becomes `<#C…|channel>`, a group's `@handle` becomes
`<!subteam^S…|@handle>`, and `@here`, `@channel`, `@everyone` become `<!here>` and the like.
A name that matches nobody stays as it was typed, as in Slack.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.local_slack.workspace import Workspace

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
_SPECIAL = ("here", "channel", "everyone")
_TOKEN = re.compile(r"(?<![\w<|@#])([@#])([\w.\-]+)")


def slash_commands(manifest: Path = MANIFEST) -> list[dict[str, Any]]:
    """The app manifest's slash commands (`command`, `description`, `usage_hint`,
    `should_escape`); none when the manifest is missing or unreadable."""
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
        found = data["features"]["slash_commands"]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return []
    return [
        {
            "command": str(c["command"]),
            "description": str(c.get("description") or ""),
            "usage_hint": str(c.get("usage_hint") or ""),
            "should_escape": c.get("should_escape") is True,
        }
        for c in (found if isinstance(found, list) else [])
        if isinstance(c, dict) and c.get("command")
    ]


def escaped_commands(manifest: Path = MANIFEST) -> frozenset[str]:
    """The slash commands whose text Slack escapes, as the app manifest declares them."""
    return frozenset(c["command"] for c in slash_commands(manifest) if c["should_escape"])


def escape_mentions(text: str, workspace: Workspace, *, labels: bool = True) -> str:
    """`text` with its mentions of people, groups and channels escaped as Slack escapes them:
    with the name (`<@U…|name>`) in a slash command's text, without it (`<@U…>`) in a message."""

    def replace(match: re.Match[str]) -> str:
        sigil, name = match.group(1), match.group(2)
        if sigil == "#":
            channel = workspace.channel(name, create=False)
            return f"<#{channel.id}|{channel.name}>" if channel and not channel.is_im else match[0]
        if name in _SPECIAL:
            return f"<!{name}>"
        user = workspace.user(name, create=False)
        if user is not None and user.id != name:
            return f"<@{user.id}|{user.name}>" if labels else f"<@{user.id}>"
        group = workspace.usergroup_by_handle(name)
        if group is not None:
            return f"<!subteam^{group}|@{name}>"
        return match[0]

    return _TOKEN.sub(replace, text)
