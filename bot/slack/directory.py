"""People's names by Slack user ID, from `users.info` (scope `users:read`), cached.

Slack renders `<@U…>` as a name in a message, but not inside a code block (the postmortem
draft), nor in a terminal (the CLI). There the name is looked up once and kept for an hour;
a failed lookup (no such user, Slack down, rate limited) is remembered for a minute and the
ID is shown meanwhile, so a slow Slack never slows a command down more than once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from commands.people import is_user_id

log = logging.getLogger(__name__)

TTL_SECONDS = 3600.0
FAILURE_TTL_SECONDS = 60.0
MAX_ENTRIES = 10_000


class Directory:
    def __init__(
        self,
        client: WebClient,
        *,
        ttl: float = TTL_SECONDS,
        failure_ttl: float = FAILURE_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[float, str | None]] = OrderedDict()

    def name(self, user_id: str) -> str | None:
        """The person's display name (else real name, else handle); None when unknown."""
        if not is_user_id(user_id):
            return None
        now = self.clock()
        with self._lock:
            cached = self._cache.get(user_id)
            if cached is not None and cached[0] > now:
                self._cache.move_to_end(user_id)
                return cached[1]
        found = self._look_up(user_id)
        expires = now + (self.ttl if found is not None else self.failure_ttl)
        with self._lock:
            self._cache[user_id] = (expires, found)
            self._cache.move_to_end(user_id)
            while len(self._cache) > MAX_ENTRIES:
                self._cache.popitem(last=False)
        return found

    def _look_up(self, user_id: str) -> str | None:
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except SlackApiError as exc:
            log.info("users.info %s: %s", user_id, exc.response.get("error"))
            return None
        except (SlackClientError, OSError) as exc:
            log.info("users.info %s: %s", user_id, exc)
            return None
        profile = user.get("profile") or {}
        for candidate in (
            profile.get("display_name"),
            profile.get("real_name"),
            user.get("real_name"),
            user.get("name"),
        ):
            if isinstance(candidate, str) and candidate.strip():
                return candidate.strip()
        return None
