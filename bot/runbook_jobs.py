"""The scheduler's runbook and health-watch sweeps, and the Slack look-up of user groups."""

import logging
import threading
import time

from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack_api import SlackFailure, call
from commands.health import watch as health_watch
from commands.runbooks import service as runbooks

log = logging.getLogger(__name__)


def run_runbooks(runtime: Runtime) -> int:
    """Carry out the runbook steps that are due (claimed, so replicas share the work)."""
    done = runbooks.sweep(runtime.ctx, runtime.worker_id)
    runtime.changed()
    return done


def watch_health(runtime: Runtime) -> int:
    """Check the health targets that are due; a failure episode starts its runbook."""
    checked = health_watch.sweep(runtime.ctx, runtime.worker_id)
    if checked:
        runtime.changed()
        run_runbooks(runtime)
    return checked


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
