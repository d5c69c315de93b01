"""Logging while a person types in the local Slack's terminal.

Log lines would break into what the person is typing. In `sre-bot dev` they go to a file
beside the database instead, and each kind of warning is announced once, as one line above
the prompt, pointing at that file.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from bot import log_floods
from bot.log_floods import shape

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Notices(logging.Handler):
    """Passes the first warning of each kind to `listener` (the terminal); later ones of
    the same kind are left to the log file."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._seen: set[tuple[str, str]] = set()
        self._lock_seen = threading.Lock()
        self._listeners: list[Callable[[str], None]] = []
        self.log_path: Path | None = None

    def listen(self, listener: Callable[[str], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            first_line = record.getMessage().split("\n", 1)[0]
        except Exception:  # a bad format string: the file handler reports it
            return
        key = (record.name, shape(str(record.msg)))
        with self._lock_seen:
            if key in self._seen:
                return
            self._seen.add(key)
        where = f" (more in {self.log_path})" if self.log_path else ""
        text = f"{record.levelname.lower()}: {first_line[:300]}{where}"
        for listener in list(self._listeners):
            listener(text)


def log_to_file(path: Path, replace: Iterable[logging.Handler] = ()) -> Notices:
    """Send the process's log to `path` (appending) instead of the `replace` handlers, and
    its warnings to a `Notices`."""
    root = logging.getLogger()
    for handler in replace:
        root.removeHandler(handler)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setFormatter(logging.Formatter(FORMAT))
    log_floods.install([to_file])
    notices = Notices()
    notices.log_path = path
    root.addHandler(to_file)
    root.addHandler(notices)
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    return notices
