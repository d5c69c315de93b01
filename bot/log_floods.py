"""A flood of identical log lines becomes one line and a count.

When something fails on every request (a full disk, too many open files), the same error
is logged thousands of times a second: the log fills the disk and buries everything else.
The first record of a kind passes; the same kind again within `window` seconds is counted,
not written; the next one after the window passes with the count of those held back.
"""

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable


def shape(message: str) -> str:
    """A message with its numbers and addresses taken out: the same error from another
    connection or at another time is the same kind."""
    return _NUMBERS.sub("#", message.split("\n", 1)[0][:200])


_NUMBERS = re.compile(r"0x[0-9a-fA-F]+|\d+")


class FloodFilter(logging.Filter):
    def __init__(self, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, int, str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        key = (record.name, record.levelno, shape(str(record.msg)), kind)
        now = self.clock()
        with self._lock:
            first, held = self._seen.get(key, (float("-inf"), 0))
            if now - first < self.window:
                self._seen[key] = (first, held + 1)
                return False
            self._seen[key] = (now, 0)
            if len(self._seen) > 10_000:  # forget kinds not seen for a window
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window}
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self.window:.0f} s)"
        return True


# HTTP client libraries that log every request's URL (at INFO) or its details (DEBUG); a
# runbook step's URL may carry a secret, so they speak only of problems.
URL_LOGGERS = ("httpx", "httpcore")


def quiet_url_loggers() -> None:
    for name in URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def install(handlers: Iterable[logging.Handler], window: float = 60.0) -> None:
    """Put one filter on these handlers (the ones the process set up for itself)."""
    flood = FloodFilter(window)
    for handler in handlers:
        handler.addFilter(flood)
