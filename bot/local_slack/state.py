"""The core of the in-memory Slack workspace: its state, ids and time, events, channels, users.

All state sits behind one `threading.Condition` (over an RLock): the API server's request threads
mutate it, the terminal and tests read it and wait on it. Public methods return frozen snapshots.
Changes are reported to subscribers as `Event`s, in order, outside the lock.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, replace
from typing import Any

from bot.local_slack.objects import (
    _CHANNEL_ID,
    _NAME,
    _USER_ID,
    Channel,
    Ephemeral,
    Event,
    FileUpload,
    Message,
    ResponseContext,
    ResponseDelivery,
    SlackError,
    T,
    User,
    View,
    _mutator,
    _Trigger,
)

log = logging.getLogger(__name__)

SNAPSHOT_VERSION = 1


class WorkspaceState:
    """The workspace's state and its core: ids and time, events, channels and users."""

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
        self._usergroup_handles: dict[str, str] = {}
        self._events: list[Event] = []
        self._pending: deque[Event] = deque()
        self._subscribers: list[Callable[[Event], None]] = []
        self._revision = 0
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

    def event_count(self) -> int:
        """How many events there have been: the `seq` of the latest one."""
        with self.condition:
            return len(self._events)

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
    def set_usergroup(self, group_id: str, user_ids: Iterable[str], *, handle: str = "") -> None:
        """A user group (S…), its members (for usergroups.users.list) and its @handle."""
        self._usergroups[group_id] = list(user_ids)
        if handle:
            self._usergroup_handles[group_id] = handle

    def usergroup_handle(self, group_id: str) -> str | None:
        with self.condition:
            return self._usergroup_handles.get(group_id)

    def usergroups(self) -> list[str]:
        with self.condition:
            return list(self._usergroups)

    def usergroup_by_handle(self, handle: str) -> str | None:
        with self.condition:
            return next((g for g, h in self._usergroup_handles.items() if h == handle), None)

    def usergroup_members(self, group_id: str) -> list[str] | None:
        with self.condition:
            members = self._usergroups.get(group_id)
            return list(members) if members is not None else None

    @_mutator
    def add_user(self, name: str, *, real_name: str | None = None, tz: str = "UTC") -> User:
        return self._add_user(name, real_name=real_name, tz=tz)

    @_mutator
    def ensure_user(self, user_id: str, name: str, *, real_name: str | None = None) -> User:
        """The user with this ID, created with `name` if there is none (the people a
        configuration names by ID). A name already taken by someone else gets a suffix."""
        if not _USER_ID.fullmatch(user_id):
            raise SlackError("invalid_user_id")
        if user_id in self._users:
            return self._users[user_id]
        taken = {u.name for u in self._users.values()}
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}{n}", n + 1
        user = User(id=user_id, name=unique, real_name=real_name or unique)
        self._users[user.id] = user
        return user

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

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        with self.condition:
            return next((u for u in self._users.values() if wanted and u.email == wanted), None)

    def users(self) -> list[User]:
        with self.condition:
            return list(self._users.values())

    def name_of(self, object_id: str) -> str | None:
        """The name of a user, channel or user group ID, or None if there is no such thing."""
        with self.condition:
            if object_id in self._users:
                return self._users[object_id].name
            if object_id in self._channels:
                return self._channels[object_id].name
            return self._usergroup_handles.get(object_id)

    # ---- memory: what survives a restart

    def snapshot(self) -> dict[str, Any]:
        """Users, channels, messages, threads, groups and shared files, as JSON-ready data.
        Ephemeral messages, modals and triggers are left out: on Slack they do not outlive the
        client either."""
        with self.condition:
            uploads = [
                {**asdict(u), "content": base64.b64encode(u.content).decode()}
                for u in self._uploads.values()
                if u.completed and u.content is not None
            ]
            return {
                "version": SNAPSHOT_VERSION,
                "team_id": self.team_id,
                "counters": dict(self._counters),
                "last_ts": self._last_ts,
                "users": [asdict(u) for u in self._users.values()],
                "channels": [
                    {**asdict(c), "members": sorted(c.members)} for c in self._channels.values()
                ],
                "messages": [
                    asdict(m) for history in self._messages.values() for m in history.values()
                ],
                "usergroups": {k: list(v) for k, v in self._usergroups.items()},
                "usergroup_handles": dict(self._usergroup_handles),
                "uploads": uploads,
            }

    @_mutator
    def restore(self, data: dict[str, Any]) -> None:
        """Replace the state with a `snapshot()`. Raises ValueError on data it cannot read."""
        if data.get("version") != SNAPSHOT_VERSION or data.get("team_id") != self.team_id:
            raise ValueError("not a snapshot of this workspace")
        try:
            users = [User(**u) for u in data["users"]]
            channels = [
                Channel(**{**c, "members": frozenset(c["members"])}) for c in data["channels"]
            ]
            messages = [Message(**m) for m in data["messages"]]
            uploads = [
                FileUpload(**{**u, "content": base64.b64decode(u["content"])})
                for u in data.get("uploads", [])
            ]
            counters = {str(k): int(v) for k, v in data["counters"].items()}
            groups = {str(k): [str(m) for m in v] for k, v in data["usergroups"].items()}
            handles = {str(k): str(v) for k, v in data.get("usergroup_handles", {}).items()}
            last_ts = int(data["last_ts"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"unreadable snapshot: {exc}") from exc
        bot = next((u for u in users if u.is_bot and u.name == self.bot.name), None)
        if bot is None:
            raise ValueError("the snapshot has no bot user")
        self.bot = bot
        self._users = {u.id: u for u in users}
        self._channels = {c.id: c for c in channels}
        self._messages = {c.id: {} for c in channels}
        for message in sorted(messages, key=lambda m: float(m.ts)):
            self._messages.setdefault(message.channel, {})[message.ts] = message
        self._uploads = {u.id: u for u in uploads}
        self._usergroups = groups
        self._usergroup_handles = handles
        self._counters = counters
        self._last_ts = max(self._last_ts, last_ts)

    @property
    def revision(self) -> int:
        """Grows with every change; a saver compares it with the one it last wrote."""
        return self._revision
