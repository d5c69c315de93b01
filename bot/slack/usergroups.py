"""Who is in a Slack user group, for approvals that name a group."""

import logging
import threading
import time

from slack_sdk import WebClient

from bot.slack.api import SlackFailure, call

log = logging.getLogger(__name__)


class UserGroups:
    """Who is in a Slack user group (usergroups.users.list), remembered for a minute.

    A failed look-up answers "not a member": an approval is never granted on a guess."""

    def __init__(self, client: WebClient, ttl: float = 60.0) -> None:
        self.client = client
        self.ttl = ttl
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def members(self, group: str) -> frozenset[str]:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(group)
            if cached and now - cached[0] < self.ttl:
                return cached[1]
        try:
            data = call(self.client, "usergroups.users.list", usergroup=group)
        except SlackFailure as failure:
            log.warning("cannot list the members of user group %s: %s", group, failure)
            return frozenset()
        users = frozenset(str(u) for u in data.get("users") or [])
        with self._lock:
            self._cache[group] = (now, users)
        return users

    def __call__(self, group: str, user: str) -> bool:
        return user in self.members(group)
