"""Time, injectable so tests can move it instead of sleeping.

Every use-case reads "now" from `Context.clock`. A process takes its clock from the
environment (`SRE_BOT_NOW`, see `clock_from_env`): unset, the system clock; set to an
instant, a clock that starts there and runs at real speed, so a rehearsal (or a test) of a
Friday handoff or a New Year's Eve page needs no change to the machine's time.
"""

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RunningClock:
    """Starts at `start` and runs at the system clock's pace from then on."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the start of a clock needs a timezone")
        self.start = start.astimezone(UTC)
        self._began = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._began)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment


class BadInstant(ValueError):
    pass


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset: `2026-12-04T17:01:00+09:00` or `...Z`."""
    cleaned = text.strip()
    try:
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadInstant(
            f"{cleaned!r} is not an ISO 8601 instant; write e.g. 2026-12-04T17:01:00+09:00"
        ) from None
    if moment.tzinfo is None:
        raise BadInstant(f"{cleaned!r} has no UTC offset; add one, e.g. +09:00 or Z")
    return moment.astimezone(UTC)


def clock_from_env(value: str | None) -> Clock:
    """The process's clock: `SRE_BOT_NOW` unset or empty is the system clock."""
    if not value or not value.strip():
        return SystemClock()
    return RunningClock(parse_instant(value))


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, as the JSON outputs promise."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def from_iso(text: object) -> datetime:
    """An instant written by `iso_utc` (or any ISO 8601 text with an offset or `Z`)."""
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
