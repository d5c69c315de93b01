"""Error-budget arithmetic. Pure functions; the numbers of the Google SRE Workbook, chapter 5.

Budget remaining = 1 - (bad / total over the window) / (1 - objective), where bad and total
are sums over the whole window (never a mean of short ratios). Negative remaining is kept:
-50% says how far past the budget an SLO is.
"""

import math
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

BURN_WINDOWS: tuple[str, ...] = ("5m", "1h", "6h", "3d")
WARNING_BELOW = 0.20


class SloStatus(StrEnum):
    HEALTHY = "healthy"
    WARNING = "warning"
    EXHAUSTED = "exhausted"
    NO_DATA = "no_data"


def _finite(value: float | None) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return value


def error_ratio(bad: float | None, total: float | None) -> float | None:
    """bad / total, within [0, 1]; None when there were no events (never NaN or infinity).

    Prometheus extrapolates `rate()` at the window's edges, so good can come out a hair above
    total (or bad below zero): both are clamped."""
    bad, total = _finite(bad), _finite(total)
    if total is None or total <= 0:
        return None
    return min(1.0, max(0.0, (bad or 0.0) / total))


def error_budget(objective: float) -> float:
    """1 - objective, as written: 0.999 leaves 0.001, not the 0.0010000000000000009 of float
    subtraction, so that errors of exactly 0.1% spend exactly all of the budget (and are
    `exhausted`, not a warning with 9e-16 left)."""
    return float(Decimal(1) - Decimal(repr(objective)))


def burn_rate(ratio: float | None, objective: float) -> float | None:
    """How fast the budget burns: 1 spends it exactly over the window."""
    ratio = _finite(ratio)
    if ratio is None:
        return None
    return ratio / error_budget(objective)


def budget_remaining(ratio: float | None, objective: float) -> float | None:
    burn = burn_rate(ratio, objective)
    return None if burn is None else 1 - burn


def budget_minutes(objective: float, window: timedelta) -> float:
    """The budget as time: the minutes of the window it allows to be all errors (43.2 for
    99.9% over 30 days, the guide's "about 43 minutes a month"; slo-generator's
    `error_budget_minutes`)."""
    return window.total_seconds() / 60 * error_budget(objective)


def status_of(remaining: float | None) -> SloStatus:
    """healthy above 20% left, warning from 0 to 20%, exhausted at or below 0."""
    if remaining is None:
        return SloStatus.NO_DATA
    if remaining <= 0:
        return SloStatus.EXHAUSTED
    if remaining <= WARNING_BELOW:
        return SloStatus.WARNING
    return SloStatus.HEALTHY


def time_to_exhaustion(burn: float, window: timedelta) -> timedelta:
    """At a constant burn rate, how long a full budget lasts."""
    if burn <= 0:
        raise ValueError("a burn rate of zero never spends the budget")
    return window / burn


def coverage(first_sample_at: float | None, now: float, window: timedelta) -> float | None:
    """The share of the window that has data, from the earliest sample in it."""
    if first_sample_at is None:
        return None
    seconds = window.total_seconds()
    return max(0.0, min(1.0, (now - first_sample_at) / seconds))
