"""Channel names in the config, channel IDs for Slack's conversations.* methods."""

import re
import threading

from slack_sdk import WebClient

from bot.slack.api import SlackFailure, call

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


def is_channel_id(value: str) -> bool:
    return bool(_CHANNEL_ID.match(value))


class ChannelDirectory:
    """Resolves `#name` to an ID once (conversations.list), and learns IDs from posts."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._ids: dict[str, str] = {}
        self._lock = threading.Lock()

    def learn(self, name_or_id: str, channel_id: str) -> None:
        if is_channel_id(channel_id):
            with self._lock:
                self._ids[name_or_id.lstrip("#")] = channel_id

    def known(self, name_or_id: str) -> str:
        """The channel's ID when it is already known, else what was given (no Slack call)."""
        with self._lock:
            return self._ids.get(name_or_id.lstrip("#"), name_or_id)

    def resolve(self, name_or_id: str) -> str | None:
        """The channel's ID, or None when Slack can't tell us (yet)."""
        if is_channel_id(name_or_id):
            return name_or_id
        name = name_or_id.lstrip("#")
        with self._lock:
            if name in self._ids:
                return self._ids[name]
        cursor = ""
        try:
            for _ in range(50):  # 50 pages of 1000: larger than any workspace we know of
                data = call(
                    self.client,
                    "conversations.list",
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=1000,
                    cursor=cursor,
                )
                for channel in data.get("channels") or []:
                    if channel.get("name") == name and channel.get("id"):
                        self.learn(name, str(channel["id"]))
                        return str(channel["id"])
                cursor = str((data.get("response_metadata") or {}).get("next_cursor") or "")
                if not cursor:
                    break
        except SlackFailure:
            return None
        return None
