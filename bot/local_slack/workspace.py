"""In-memory model of a Slack workspace: channels, users, messages, ephemerals, modals, files.

All state sits behind one `threading.Condition` (over an RLock): the API server's request threads
mutate it, the terminal and tests read it and wait on it. Public methods return frozen snapshots.
Changes are reported to subscribers as `Event`s, in order, outside the lock.
"""

from __future__ import annotations

import copy
import functools
import logging
import mimetypes
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
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
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_NAME = re.compile(r"[\w.\-]{1,80}")


class SlackError(Exception):
    """A Slack API error code such as `channel_not_found`; the API answers `ok: false` with it."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


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
        ws: Workspace = args[0]  # type: ignore[assignment]
        with ws.condition:
            result = fn(*args, **kwargs)
        # Nested in another locked call (or a wait_for predicate): the outermost one delivers.
        if not ws.condition._is_owned():  # type: ignore[attr-defined]
            ws._dispatch(block=False)
        return result

    return wrapper


class Workspace:
    """Thread-safe in-memory Slack workspace."""

    def __init__(
        self,
        *,
        team_id: str = "T0LOCAL",
        team_domain: str = "local",
        team_name: str = "Local Slack",
        app_id: str = "A0LOCAL",
        bot_name: str = "sre-bot",
        channels: Iterable[str] = ("incidents",),
        users: Iterable[str] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.team_domain = team_domain
        self.team_name = team_name
        self.app_id = app_id
        self.condition = threading.Condition(threading.RLock())
        self._clock = clock
        self._dispatch_lock = threading.Lock()  # not re-entrant: subscribers never nest
        self._counters: dict[str, int] = {}
        self._last_ts = 0
        self._channels: dict[str, Channel] = {}
        self._users: dict[str, User] = {}
        self._messages: dict[str, dict[str, Message]] = {}
        self._ephemerals: dict[str, Ephemeral] = {}
        self._views: dict[str, View] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._view_by_trigger: dict[str, str] = {}
        self._responses: list[ResponseDelivery] = []
        self._response_contexts: dict[str, ResponseContext] = {}
        self._uploads: dict[str, FileUpload] = {}
        self._usergroups: dict[str, list[str]] = {}
        self._events: list[Event] = []
        self._pending: deque[Event] = deque()
        self._subscribers: list[Callable[[Event], None]] = []
        self.bot = self._add_user(bot_name, real_name=bot_name, is_bot=True)
        for name in channels:
            self._create_channel(name)
        for name in users:
            self._add_user(name)

    # ---- ids and time

    def _next_id(self, prefix: str) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}{n:04d}"

    def _next_ts(self) -> str:
        micros = max(int(self._clock() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_ts(self) -> str:
        """A fresh timestamp, unique and greater than every one handed out before."""
        with self.condition:
            return self._next_ts()

    # ---- events

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call `callback(event)` for every later change; returns a function that unsubscribes."""
        with self.condition:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self.condition:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def events(self, kind: str | None = None) -> list[Event]:
        with self.condition:
            return [e for e in self._events if kind is None or e.kind == kind]

    def wait_for(self, predicate: Callable[[], T], timeout: float) -> T:
        """Block until `predicate()` is truthy or `timeout` seconds pass; returns its last value.

        The predicate runs under the workspace lock and is re-checked on every change.
        """
        with self.condition:
            return self.condition.wait_for(predicate, timeout)

    def notify(self) -> None:
        """Wake `wait_for` callers (the API server calls this after recording a request)."""
        with self.condition:
            self.condition.notify_all()

    def flush(self) -> None:
        """Deliver every queued event before returning. Not from a subscriber, nor while holding
        `condition`."""
        self._dispatch(block=True)

    def _emit(self, kind: str, item: Any) -> None:
        event = Event(kind, len(self._events) + 1, item)
        self._events.append(event)
        self._pending.append(event)
        self.condition.notify_all()

    def _dispatch(self, *, block: bool) -> None:
        # Whoever holds the dispatch lock drains the queue, so events reach subscribers in order
        # and never while the workspace lock is held.
        while True:
            if not self._dispatch_lock.acquire(blocking=block):
                return
            try:
                while True:
                    with self.condition:
                        if not self._pending:
                            break
                        event = self._pending.popleft()
                        callbacks = list(self._subscribers)
                    for callback in callbacks:
                        try:
                            callback(event)
                        except Exception:
                            log.exception("local slack subscriber failed on %s", event.kind)
            finally:
                self._dispatch_lock.release()
            with self.condition:
                if not self._pending:
                    return

    # ---- channels

    def _create_channel(self, name: str, *, is_private: bool = False) -> Channel:
        name = name.strip().lstrip("#").lower()
        if not _NAME.fullmatch(name):
            raise SlackError("invalid_name")
        if any(c.name == name for c in self._channels.values() if not c.is_im):
            raise SlackError("name_taken")
        channel = Channel(
            id=self._next_id("G" if is_private else "C"),
            name=name,
            created=int(self._clock()),
            is_private=is_private,
            members=frozenset({self.bot.id}),
        )
        self._channels[channel.id] = channel
        self._messages[channel.id] = {}
        return channel

    @_mutator
    def create_channel(self, name: str, *, is_private: bool = False) -> Channel:
        return self._create_channel(name, is_private=is_private)

    def _dm(self, user_id: str) -> Channel:
        for channel in self._channels.values():
            if channel.is_im and channel.user == user_id:
                return channel
        user = self._users[user_id]
        channel = Channel(
            id=self._next_id("D"),
            name=user.name,
            created=int(self._clock()),
            is_im=True,
            user=user_id,
            members=frozenset({self.bot.id, user_id}),
        )
        self._channels[channel.id] = channel
        self._messages[channel.id] = {}
        return channel

    def _channel(self, ref: str, *, create: bool = True) -> Channel | None:
        ref = ref.strip()
        if _CHANNEL_ID.fullmatch(ref):
            return self._channels.get(ref)
        if _USER_ID.fullmatch(ref):
            return self._dm(ref) if ref in self._users else None
        name = ref.lstrip("#").lower()
        for channel in self._channels.values():
            if channel.name == name and not channel.is_im:
                return channel
        if create and _NAME.fullmatch(name):
            return self._create_channel(name)
        return None

    def _require_channel(self, ref: str) -> Channel:
        channel = self._channel(ref) if ref else None
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    @_mutator
    def channel(self, ref: str, *, create: bool = True) -> Channel | None:
        """Look a channel up by ID (`C0001`), `#name` or `name`; unknown names are created unless
        `create` is false. A user ID gives the direct message with that user."""
        return self._channel(ref, create=create)

    def channels(self) -> list[Channel]:
        with self.condition:
            return list(self._channels.values())

    @_mutator
    def join(self, ref: str, user_id: str | None = None) -> Channel:
        channel = self._require_channel(ref)
        channel = replace(channel, members=channel.members | {user_id or self.bot.id})
        self._channels[channel.id] = channel
        return channel

    # ---- users

    def _add_user(
        self,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "UTC",
        is_bot: bool = False,
    ) -> User:
        name = name.strip().lstrip("@")
        if not name:
            raise SlackError("invalid_name")
        user = User(
            id=self._next_id("U"),
            name=name,
            real_name=real_name or name,
            tz=tz,
            is_bot=is_bot,
            bot_id=self._next_id("B") if is_bot else None,
        )
        self._users[user.id] = user
        return user

    @_mutator
    def set_usergroup(self, group_id: str, user_ids: Iterable[str]) -> None:
        """A user group (S…) and its members, for usergroups.users.list."""
        with self.condition:
            self._usergroups[group_id] = list(user_ids)

    def usergroup_members(self, group_id: str) -> list[str] | None:
        with self.condition:
            members = self._usergroups.get(group_id)
            return list(members) if members is not None else None

    def add_user(self, name: str, *, real_name: str | None = None, tz: str = "UTC") -> User:
        return self._add_user(name, real_name=real_name, tz=tz)

    def _user(self, ref: str, *, create: bool = True) -> User | None:
        ref = ref.strip()
        if _USER_ID.fullmatch(ref):
            return self._users.get(ref)
        name = ref.lstrip("@")
        for user in self._users.values():
            if user.name == name:
                return user
        if create and name:
            return self._add_user(name)
        return None

    @_mutator
    def user(self, ref: str, *, create: bool = True) -> User | None:
        """Look a user up by ID (`U0002`), `@name` or `name`; unknown names are created unless
        `create` is false."""
        return self._user(ref, create=create)

    def users(self) -> list[User]:
        with self.condition:
            return list(self._users.values())

    def name_of(self, object_id: str) -> str | None:
        """The name of a user or channel ID, or None if there is no such thing."""
        with self.condition:
            if object_id in self._users:
                return self._users[object_id].name
            if object_id in self._channels:
                return self._channels[object_id].name
            return None

    # ---- messages

    def _post_message(
        self,
        channel_ref: str,
        *,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
        user: str | None = None,
        username: str | None = None,
        files: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        reply_broadcast: bool = False,
    ) -> Message:
        channel = self._require_channel(channel_ref)
        if not text and not blocks and not files and not attachments:
            raise SlackError("no_text")
        history = self._messages[channel.id]
        if thread_ts:
            parent = history.get(thread_ts)
            if parent is not None:
                if parent.is_reply:
                    thread_ts = parent.thread_ts
                    parent = history.get(thread_ts)
                if parent is not None and parent.thread_ts is None:
                    history[parent.ts] = replace(parent, thread_ts=parent.ts)
        author = self._users.get(user) if user else self.bot
        if author is None:
            raise SlackError("user_not_found")
        message = Message(
            channel=channel.id,
            ts=self._next_ts(),
            text=text or "",
            blocks=list(blocks or []),
            thread_ts=thread_ts or None,
            metadata=metadata or None,
            user=author.id,
            bot_id=author.bot_id,
            username=username,
            files=list(files or []),
            attachments=list(attachments or []),
            reply_broadcast=reply_broadcast,
        )
        history[message.ts] = message
        self._emit(MESSAGE_POSTED, message)
        return message

    @_mutator
    def post_message(
        self,
        channel: str,
        text: str = "",
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
        user: str | None = None,
        username: str | None = None,
        files: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        reply_broadcast: bool = False,
    ) -> Message:
        """Post a message; by the bot unless `user` (an ID) is given."""
        return self._post_message(
            channel,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata=metadata,
            user=user,
            username=username,
            files=files,
            attachments=attachments,
            reply_broadcast=reply_broadcast,
        )

    def _find_message(self, channel_ref: str, ts: str) -> Message:
        channel = self._channel(channel_ref, create=False)
        if channel is None:
            raise SlackError("channel_not_found")
        message = self._messages[channel.id].get(ts)
        if message is None:
            raise SlackError("message_not_found")
        return message

    def _update_message(
        self,
        channel_ref: str,
        ts: str,
        *,
        text: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
        as_app: bool = True,
    ) -> Message:
        message = self._find_message(channel_ref, ts)
        if as_app and message.bot_id is None:
            raise SlackError("cant_update_message")
        changes: dict[str, Any] = {"edited": message.edited + 1}
        if text is not None:
            changes["text"] = text
        if blocks is not None:
            changes["blocks"] = list(blocks)
        if metadata is not None:
            changes["metadata"] = metadata or None
        message = replace(message, **changes)
        self._messages[message.channel][ts] = message
        self._emit(MESSAGE_UPDATED, message)
        return message

    @_mutator
    def update_message(
        self,
        channel: str,
        ts: str,
        *,
        text: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Message:
        """Edit a message the app posted; fields left None keep their value."""
        return self._update_message(channel, ts, text=text, blocks=blocks, metadata=metadata)

    def _delete_message(self, channel_ref: str, ts: str) -> Message:
        message = self._find_message(channel_ref, ts)
        del self._messages[message.channel][ts]
        self._emit(MESSAGE_DELETED, message)
        return message

    @_mutator
    def delete_message(self, channel: str, ts: str) -> Message:
        return self._delete_message(channel, ts)

    def message(self, channel: str, ts: str) -> Message | None:
        with self.condition:
            try:
                return self._find_message(channel, ts)
            except SlackError:
                return None

    def messages(self, channel: str, *, include_replies: bool = False) -> list[Message]:
        """A channel's messages, oldest first: top-level ones only unless `include_replies`."""
        with self.condition:
            found = self._channel(channel, create=False)
            if found is None:
                return []
            return [
                m
                for m in self._messages[found.id].values()
                if include_replies or not m.is_reply or m.reply_broadcast
            ]

    def thread(self, channel: str, ts: str) -> list[Message]:
        """A thread, parent first then replies oldest first ([] if there is no such message)."""
        with self.condition:
            found = self._channel(channel, create=False)
            if found is None:
                return []
            history = self._messages[found.id]
            parent = history.get(ts)
            if parent is None:
                return []
            if parent.is_reply:
                return [parent]
            return [parent, *(m for m in history.values() if m.is_reply and m.thread_ts == ts)]

    def message_payload(self, message: Message, *, metadata: bool = True) -> dict[str, Any]:
        """The message as the Web API returns it."""
        with self.condition:
            payload: dict[str, Any] = {"type": "message", "ts": message.ts, "text": message.text}
            payload["user"] = message.user
            if message.bot_id:
                payload["bot_id"] = message.bot_id
                payload["app_id"] = self.app_id
            if message.username:
                payload["username"] = message.username
            payload["team"] = self.team_id
            if message.blocks:
                payload["blocks"] = message.blocks
            if message.attachments:
                payload["attachments"] = message.attachments
            if message.files:
                payload["files"] = message.files
                payload["upload"] = True
            if message.thread_ts:
                payload["thread_ts"] = message.thread_ts
                if not message.is_reply:
                    replies = [
                        m
                        for m in self._messages.get(message.channel, {}).values()
                        if m.is_reply and m.thread_ts == message.ts
                    ]
                    payload["reply_count"] = len(replies)
                    payload["reply_users"] = sorted({m.user for m in replies if m.user})
                    payload["reply_users_count"] = len(payload["reply_users"])
                    if replies:
                        payload["latest_reply"] = replies[-1].ts
                elif message.reply_broadcast:
                    payload["subtype"] = "thread_broadcast"
            if message.edited:
                payload["edited"] = {"user": message.user, "ts": message.ts}
            if metadata and message.metadata:
                payload["metadata"] = message.metadata
            return payload

    # ---- ephemeral messages

    def _post_ephemeral(
        self,
        channel_ref: str,
        user_ref: str,
        *,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> Ephemeral:
        channel = self._require_channel(channel_ref)
        user = self._user(user_ref, create=False) if user_ref else None
        if user is None:
            raise SlackError("user_not_found")
        if not text and not blocks:
            raise SlackError("no_text")
        ephemeral = Ephemeral(
            channel=channel.id,
            user=user.id,
            ts=self._next_ts(),
            text=text or "",
            blocks=list(blocks or []),
            thread_ts=thread_ts or None,
            bot_id=self.bot.bot_id,
        )
        self._ephemerals[ephemeral.ts] = ephemeral
        self._emit(EPHEMERAL_POSTED, ephemeral)
        return ephemeral

    @_mutator
    def post_ephemeral(
        self,
        channel: str,
        user: str,
        text: str = "",
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> Ephemeral:
        return self._post_ephemeral(channel, user, text=text, blocks=blocks, thread_ts=thread_ts)

    def _replace_ephemeral(
        self, ts: str, *, text: str | None, blocks: list[dict[str, Any]] | None
    ) -> Ephemeral:
        ephemeral = self._ephemerals.get(ts)
        if ephemeral is None:
            raise SlackError("message_not_found")
        ephemeral = replace(
            ephemeral,
            text=text if text is not None else ephemeral.text,
            blocks=list(blocks) if blocks is not None else ephemeral.blocks,
            replaced=ephemeral.replaced + 1,
        )
        self._ephemerals[ts] = ephemeral
        self._emit(EPHEMERAL_UPDATED, ephemeral)
        return ephemeral

    def _delete_ephemeral(self, ts: str) -> Ephemeral:
        ephemeral = self._ephemerals.pop(ts, None)
        if ephemeral is None:
            raise SlackError("message_not_found")
        self._emit(EPHEMERAL_DELETED, ephemeral)
        return ephemeral

    def ephemeral(self, ts: str) -> Ephemeral | None:
        with self.condition:
            return self._ephemerals.get(ts)

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[Ephemeral]:
        """Ephemeral messages still shown, oldest first, optionally for one channel and/or user."""
        with self.condition:
            channel_id = None
            if channel is not None:
                found = self._channel(channel, create=False)
                if found is None:
                    return []
                channel_id = found.id
            user_id = None
            if user is not None:
                found_user = self._user(user, create=False)
                if found_user is None:
                    return []
                user_id = found_user.id
            return [
                e
                for e in self._ephemerals.values()
                if (channel_id is None or e.channel == channel_id)
                and (user_id is None or e.user == user_id)
            ]

    # ---- modals

    @_mutator
    def issue_trigger(self, user: str | None, view_id: str | None = None) -> str:
        """A trigger_id for an interaction by `user` (from inside modal `view_id`, if any).

        Like Slack's, it can open one modal within TRIGGER_TTL seconds. Trigger ids that were not
        issued here (handy in tests) are accepted without those checks.
        """
        trigger_id = f"{int(self._clock())}.{self._next_id('')}.{secrets.token_hex(8)}"
        self._triggers[trigger_id] = _Trigger(user=user, view_id=view_id, issued=time.monotonic())
        return trigger_id

    def _exchange_trigger(self, trigger_id: str | None) -> _Trigger | None:
        if not trigger_id:
            raise SlackError("invalid_trigger_id")
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            return None
        if trigger.exchanged:
            raise SlackError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        trigger.exchanged = True
        return trigger

    def _complete_view(
        self, view: Any, *, view_id: str, root_id: str, previous_id: str | None
    ) -> dict[str, Any]:
        if not isinstance(view, dict) or not view.get("type"):
            raise SlackError("invalid_arguments")
        if view["type"] == "modal" and not view.get("title"):
            raise SlackError("invalid_arguments")
        full = copy.deepcopy(view)
        blocks = full.setdefault("blocks", [])
        if not isinstance(blocks, list) or len(blocks) > 100:
            raise SlackError("invalid_arguments")
        for block in blocks:
            if not isinstance(block, dict):
                raise SlackError("invalid_arguments")
            block.setdefault("block_id", secrets.token_hex(3))
            elements = [block["element"]] if isinstance(block.get("element"), dict) else []
            if isinstance(block.get("accessory"), dict):
                elements.append(block["accessory"])
            if block.get("type") == "actions":
                elements.extend(e for e in block.get("elements", []) if isinstance(e, dict))
            for element in elements:
                element.setdefault("action_id", secrets.token_hex(3))
        full.update(
            id=view_id,
            team_id=self.team_id,
            app_id=self.app_id,
            bot_id=self.bot.bot_id,
            app_installed_team_id=self.team_id,
            root_view_id=root_id,
            previous_view_id=previous_id,
            hash=f"{int(self._clock())}.{secrets.token_hex(4)}",
            state={"values": {}},
        )
        for key, default in (
            ("private_metadata", ""),
            ("callback_id", ""),
            ("external_id", ""),
            ("clear_on_close", False),
            ("notify_on_close", False),
        ):
            full.setdefault(key, default)
        return full

    def _open_view(self, view: Any, *, trigger_id: str | None, user: str | None, kind: str) -> View:
        trigger = self._exchange_trigger(trigger_id)
        user = user or (trigger.user if trigger else None)
        previous: View | None = None
        if kind == VIEW_PUSHED and trigger is not None and trigger.view_id:
            stack = self._stack(trigger.view_id)
            if stack:
                previous = stack[-1]
                if len(stack) >= MAX_VIEW_STACK:
                    raise SlackError("push_limit_reached")
        view_id = self._next_id("V")
        root_id = previous.root_id if previous else view_id
        full = self._complete_view(
            view, view_id=view_id, root_id=root_id, previous_id=previous.id if previous else None
        )
        opened = View(
            id=view_id,
            view=full,
            trigger_id=trigger_id,
            user=user,
            root_id=root_id,
            previous_id=previous.id if previous else None,
        )
        self._views[view_id] = opened
        if trigger_id:
            self._view_by_trigger[trigger_id] = view_id
        self._emit(kind if previous else VIEW_OPENED, opened)
        return opened

    @_mutator
    def open_view(self, view: Any, *, trigger_id: str | None, user: str | None = None) -> View:
        """views.open: open a modal for the interaction that issued `trigger_id`."""
        return self._open_view(view, trigger_id=trigger_id, user=user, kind=VIEW_OPENED)

    @_mutator
    def push_view(self, view: Any, *, trigger_id: str | None) -> View:
        """views.push: push a modal onto the stack the trigger came from (else open one)."""
        return self._open_view(view, trigger_id=trigger_id, user=None, kind=VIEW_PUSHED)

    @_mutator
    def update_view(
        self,
        view: Any,
        *,
        view_id: str | None = None,
        external_id: str | None = None,
        hash: str | None = None,
    ) -> View:
        """views.update: replace an open modal's content (by id or external_id)."""
        current = self._views.get(view_id) if view_id else None
        if current is None and external_id:
            current = next(
                (v for v in self._views.values() if v.view.get("external_id") == external_id),
                None,
            )
        if current is None or current.closed:
            raise SlackError("not_found")
        if hash and hash != current.view.get("hash"):
            raise SlackError("hash_conflict")
        full = self._complete_view(
            view, view_id=current.id, root_id=current.root_id, previous_id=current.previous_id
        )
        updated = replace(current, view=full, version=current.version + 1)
        self._views[current.id] = updated
        self._emit(VIEW_UPDATED, updated)
        return updated

    def _stack(self, view_id: str) -> list[View]:
        view = self._views.get(view_id)
        if view is None:
            return []
        return [v for v in self._views.values() if v.root_id == view.root_id and not v.closed]

    def stack(self, view_id: str) -> list[View]:
        """The open modals stacked with `view_id`, root first."""
        with self.condition:
            return self._stack(view_id)

    @_mutator
    def close_view(self, view_id: str, *, clear: bool = False) -> list[View]:
        """Close a modal (and the ones pushed over it), or its whole stack if `clear`."""
        view = self._views.get(view_id)
        if view is None:
            raise SlackError("not_found")
        stack = self._stack(view_id)
        if clear:
            closing = stack
        else:
            closing = [v for v in stack if v.id == view_id or int(v.id[1:]) > int(view_id[1:])]
        for v in reversed(closing):
            closed = replace(v, closed=True)
            self._views[v.id] = closed
            self._emit(VIEW_CLOSED, closed)
        return [self._views[v.id] for v in closing]

    def view(self, view_id: str) -> View | None:
        with self.condition:
            return self._views.get(view_id)

    def views(self, *, open_only: bool = False) -> list[View]:
        with self.condition:
            return [v for v in self._views.values() if not (open_only and v.closed)]

    def view_for_trigger(self, trigger_id: str) -> View | None:
        """The modal opened or pushed with `trigger_id`, if any."""
        with self.condition:
            view_id = self._view_by_trigger.get(trigger_id)
            return self._views.get(view_id) if view_id else None

    # ---- response_url

    @_mutator
    def register_response_url(
        self,
        key: str,
        *,
        channel: str,
        user: str,
        message_ts: str | None = None,
        is_ephemeral: bool = False,
        thread_ts: str | None = None,
    ) -> None:
        """Tell the workspace what a response_url key answers, so deliveries take effect."""
        self._response_contexts[key] = ResponseContext(
            channel=channel,
            user=user,
            message_ts=message_ts,
            is_ephemeral=is_ephemeral,
            thread_ts=thread_ts,
        )

    @_mutator
    def deliver_response(self, key: str, payload: dict[str, Any]) -> ResponseDelivery:
        """A POST to a response_url: applied like Slack does when the key is registered."""
        context = self._response_contexts.get(key)
        effect = "recorded"
        if context is not None:
            try:
                effect = self._apply_response(context, payload)
            except SlackError as e:
                effect = f"failed:{e.error}"
        delivery = ResponseDelivery(
            key=key, payload=payload, at=self._clock(), context=context, effect=effect
        )
        self._responses.append(delivery)
        self._emit(RESPONSE_POSTED, delivery)
        return delivery

    def _apply_response(self, context: ResponseContext, payload: dict[str, Any]) -> str:
        text = payload.get("text") or ""
        blocks = payload.get("blocks")
        original = context.message_ts
        if payload.get("delete_original") and original:
            if context.is_ephemeral:
                self._delete_ephemeral(original)
            else:
                self._delete_message(context.channel, original)
            return "deleted"
        if payload.get("replace_original") and original:
            if context.is_ephemeral:
                self._replace_ephemeral(original, text=text, blocks=blocks or [])
            else:
                self._update_message(
                    context.channel, original, text=text, blocks=blocks or [], as_app=False
                )
            return "replaced"
        if payload.get("response_type") == "in_channel":
            self._post_message(
                context.channel, text=text, blocks=blocks, thread_ts=context.thread_ts
            )
            return "in_channel"
        self._post_ephemeral(
            context.channel, context.user, text=text, blocks=blocks, thread_ts=context.thread_ts
        )
        return "ephemeral"

    def responses(self, key: str | None = None) -> list[ResponseDelivery]:
        with self.condition:
            return [r for r in self._responses if key is None or r.key == key]

    # ---- files

    @_mutator
    def reserve_upload(
        self,
        filename: str,
        length: int,
        *,
        alt_txt: str | None = None,
        snippet_type: str | None = None,
    ) -> FileUpload:
        """files.getUploadURLExternal: a file id whose content is POSTed next."""
        if not filename or length <= 0:
            raise SlackError("invalid_arguments")
        upload = FileUpload(
            id=self._next_id("F"),
            filename=filename,
            length=length,
            alt_txt=alt_txt,
            snippet_type=snippet_type,
        )
        self._uploads[upload.id] = upload
        return upload

    @_mutator
    def store_upload(self, file_id: str, content: bytes) -> FileUpload:
        upload = self._uploads.get(file_id)
        if upload is None:
            raise SlackError("file_not_found")
        upload = replace(upload, content=content)
        self._uploads[file_id] = upload
        return upload

    def upload(self, file_id: str) -> FileUpload | None:
        with self.condition:
            return self._uploads.get(file_id)

    @_mutator
    def complete_uploads(
        self,
        files: list[dict[str, Any]],
        *,
        channel: str | None = None,
        initial_comment: str | None = None,
        thread_ts: str | None = None,
    ) -> tuple[list[dict[str, Any]], Message | None]:
        """files.completeUploadExternal: finish uploads and share them in `channel` if given."""
        if not files:
            raise SlackError("invalid_arguments")
        target = self._require_channel(channel) if channel else None
        done: list[dict[str, Any]] = []
        for item in files:
            upload = self._uploads.get(str(item.get("id", "")))
            if upload is None or upload.content is None:
                raise SlackError("file_not_found")
            title = item.get("title") or upload.filename
            upload = replace(upload, title=title, completed=True)
            self._uploads[upload.id] = upload
            done.append(self._file_payload(upload, target))
        message = None
        if target is not None:
            message = self._post_message(
                target.id, text=initial_comment or "", thread_ts=thread_ts, files=done
            )
        return done, message

    def _file_payload(self, upload: FileUpload, channel: Channel | None) -> dict[str, Any]:
        mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        return {
            "id": upload.id,
            "created": int(self._clock()),
            "name": upload.filename,
            "title": upload.title or upload.filename,
            "mimetype": mimetype,
            "filetype": upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "",
            "user": self.bot.id,
            "size": len(upload.content or b""),
            "alt_txt": upload.alt_txt,
            "channels": [channel.id] if channel else [],
        }
