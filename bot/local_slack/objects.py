"""What a local Slack workspace holds: channels, users, messages, modals, files, and the events
its changes are reported as. Frozen snapshots; the `Workspace` owns the state."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")

# Event kinds reported to subscribers.
MESSAGE_POSTED = "message_posted"
MESSAGE_UPDATED = "message_updated"
MESSAGE_DELETED = "message_deleted"
EPHEMERAL_POSTED = "ephemeral_posted"
EPHEMERAL_UPDATED = "ephemeral_updated"
EPHEMERAL_DELETED = "ephemeral_deleted"
VIEW_OPENED = "view_opened"
VIEW_PUSHED = "view_pushed"
VIEW_UPDATED = "view_updated"
VIEW_CLOSED = "view_closed"
RESPONSE_POSTED = "response_posted"

TRIGGER_TTL = 3.0  # seconds a trigger_id may be exchanged for a modal, as on Slack
MAX_VIEW_STACK = 3

_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
EMAIL_DOMAIN = "sre-bot.local"
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_NAME = re.compile(r"[\w.\-]{1,80}")


class SlackError(Exception):
    """A Slack API error code such as `channel_not_found`; the API answers `ok: false` with it."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []  # Slack's response_metadata.messages: what was wrong


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    created: int
    is_private: bool = False
    is_im: bool = False
    user: str | None = None  # the other member of a direct message
    topic: str = ""
    purpose: str = ""
    members: frozenset[str] = frozenset()


@dataclass(frozen=True)
class User:
    id: str
    name: str
    real_name: str
    tz: str = "UTC"
    is_bot: bool = False
    bot_id: str | None = None

    @property
    def email(self) -> str:
        """Every local person has one, for users.lookupByEmail; bots have none."""
        return "" if self.is_bot else f"{self.name}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class Message:
    channel: str
    ts: str
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None  # equal to `ts` on a thread's parent, as on Slack
    metadata: dict[str, Any] | None = None
    user: str | None = None
    bot_id: str | None = None
    username: str | None = None
    edited: int = 0
    files: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    reply_broadcast: bool = False

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass(frozen=True)
class Ephemeral:
    channel: str
    user: str
    ts: str
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    bot_id: str | None = None
    replaced: int = 0


@dataclass(frozen=True)
class View:
    """A modal. `view` is the full view object as the API returns it (ids, hash, state)."""

    id: str
    view: dict[str, Any]
    trigger_id: str | None
    user: str | None
    root_id: str
    previous_id: str | None = None
    closed: bool = False
    version: int = 0


@dataclass(frozen=True)
class ResponseContext:
    """Where a response_url handed to the bot points: the command's or the pressed message's."""

    channel: str
    user: str
    message_ts: str | None = None
    is_ephemeral: bool = False
    thread_ts: str | None = None


@dataclass(frozen=True)
class ResponseDelivery:
    key: str
    payload: dict[str, Any]
    at: float
    context: ResponseContext | None = None
    effect: str = "recorded"  # ephemeral | in_channel | replaced | deleted | recorded | failed:<e>


@dataclass(frozen=True)
class FileUpload:
    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    title: str | None = None
    completed: bool = False


@dataclass(frozen=True)
class Event:
    kind: str
    seq: int
    item: Any


@dataclass
class _Trigger:
    user: str | None
    view_id: str | None
    issued: float
    exchanged: bool = False


def _mutator(fn: Callable[P, T]) -> Callable[P, T]:
    """Run `fn` under the workspace lock, then deliver the events it queued (outside the lock)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        ws: Any = args[0]
        with ws.condition:
            result = fn(*args, **kwargs)
            ws._revision += 1
        # Nested in another locked call (or a wait_for predicate): the outermost one delivers.
        if not ws.condition._is_owned():
            ws._dispatch(block=False)
        return result

    return wrapper
