"""Calendar-aligned SLO windows (OpenSLO `isRolling: false` with a `calendar`).

A calendar window is a run of periods of `count` units (`1M`, `1w`, `1Q`, ...) laid end to
end from `calendar.startTime` in `calendar.timeZone`. At any moment the budget is that of the
current period, counted from the period's start: on the 10th of a calendar month the figures
cover the month's first nine days, and the budget is the whole month's (43.2 minutes for 99.9%
of a 30-day month, 44.64 for a 31-day one).

Prometheus rules cannot follow a calendar, so the recording and alerting rules of such an SLO
use its nominal length (`nominal`: a month is 30 days, as Sloth's 30-day windows assume).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# OpenSLO duration shorthand: m h d w M Q Y.
_SHORTHAND = re.compile(r"^([1-9][0-9]*)(m|h|d|w|M|Q|Y)$")
_MONTHS = {"M": 1, "Q": 3, "Y": 12}
_FIXED = {"m": timedelta(minutes=1), "h": timedelta(hours=1)}
_DAYS = {"d": 1, "w": 7}
_NOMINAL_DAYS = {"M": 30, "Q": 90, "Y": 365}


def parse_shorthand(text: str) -> tuple[int, str]:
    match = _SHORTHAND.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not an OpenSLO duration such as 1M, 1w, 28d or 1Q")
    return int(match.group(1)), match.group(2)


def _add_months(start: datetime, months: int) -> datetime:
    """`start` moved by whole months on the wall clock, the day clamped to the month's end."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = datetime(year + month // 12, month % 12 + 1, 1)
    last_day = (next_first - timedelta(days=1)).day
    return start.replace(year=year, month=month, day=min(start.day, last_day))


@dataclass(frozen=True)
class CalendarWindow:
    count: int
    unit: str  # m h d w M Q Y
    start: datetime  # the first period's start, on the wall clock of `zone` (naive)
    zone: ZoneInfo

    @property
    def text(self) -> str:
        return f"{self.count}{self.unit}"

    @property
    def nominal(self) -> timedelta:
        """The period's length for the Prometheus rules (a month is 30 days)."""
        if self.unit in _NOMINAL_DAYS:
            return timedelta(days=self.count * _NOMINAL_DAYS[self.unit])
        if self.unit in _DAYS:
            return timedelta(days=self.count * _DAYS[self.unit])
        return self.count * _FIXED[self.unit]

    def _nth(self, n: int) -> datetime:
        """The wall-clock start of period `n` (0 is the one at `start`)."""
        if self.unit in _MONTHS:
            return _add_months(self.start, n * self.count * _MONTHS[self.unit])
        if self.unit in _DAYS:
            return self.start + timedelta(days=n * self.count * _DAYS[self.unit])
        return self.start + n * self.count * _FIXED[self.unit]

    def period_at(self, at: datetime) -> tuple[datetime, datetime]:
        """The start and end of the period that holds `at`, as UTC instants."""
        if self.unit in _FIXED:  # minutes and hours are elapsed time, not wall-clock time
            origin = self.start.replace(tzinfo=self.zone).astimezone(UTC)
            size = self.count * _FIXED[self.unit]
            n = (at - origin) // size
            begin = origin + n * size
            return begin.astimezone(UTC), (begin + size).astimezone(UTC)
        local = at.astimezone(self.zone).replace(tzinfo=None)
        if self.unit in _MONTHS:
            months = (local.year - self.start.year) * 12 + local.month - self.start.month
            n = months // (self.count * _MONTHS[self.unit])
        else:
            n = (local - self.start).days // (self.count * _DAYS[self.unit])
        while self._nth(n) > local:
            n -= 1
        while self._nth(n + 1) <= local:
            n += 1
        return self._instant(self._nth(n)), self._instant(self._nth(n + 1))

    def _instant(self, wall: datetime) -> datetime:
        # In UTC, so that `end - start` is elapsed time (169 hours for a week that ends DST).
        return wall.replace(tzinfo=self.zone).astimezone(UTC)
