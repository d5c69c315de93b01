"""Error-budget arithmetic, checked against the SRE Workbook's figures for 99.9% over 30 days."""

import math
from datetime import timedelta

import pytest

from commands.slo import budget as slo_math
from commands.slo.alert_windows import DEFAULT_WINDOWS
from commands.slo.budget import SloStatus
from commands.slo.evaluation import _window_numbers
from commands.slo.specs import SliQueries, SloSpec

THIRTY_DAYS = timedelta(days=30)
OBJECTIVE = 0.999


def test_burn_rate_1_spends_the_budget_in_exactly_the_window():
    assert slo_math.time_to_exhaustion(1, THIRTY_DAYS) == THIRTY_DAYS


def test_burn_rate_10_spends_it_in_3_days():
    assert slo_math.time_to_exhaustion(10, THIRTY_DAYS) == timedelta(days=3)


def test_burn_rate_1000_spends_it_in_43_point_2_minutes():
    assert slo_math.time_to_exhaustion(1000, THIRTY_DAYS) == timedelta(minutes=43.2)


def test_a_full_one_hour_outage_uses_140_percent_of_the_budget():
    burn = slo_math.burn_rate(1.0, OBJECTIVE)  # every request fails
    assert burn == pytest.approx(1000)
    spent = burn * (timedelta(hours=1) / THIRTY_DAYS)
    assert spent == pytest.approx(1000 / 720)  # 1.389: "140%" as the Workbook rounds it
    assert slo_math.budget_remaining(1.0, OBJECTIVE) < 0


def test_the_budget_in_minutes_is_the_guides_43_a_month():
    assert slo_math.budget_minutes(OBJECTIVE, THIRTY_DAYS) == pytest.approx(43.2)
    assert slo_math.budget_minutes(0.95, timedelta(days=7)) == pytest.approx(504)
    # slo-generator's slo_report_v2.json: goal 0.9 over a 43200 s window.
    assert slo_math.budget_minutes(0.9, timedelta(seconds=43200)) == pytest.approx(72)


@pytest.mark.parametrize(
    ("period", "factors"),
    [
        (THIRTY_DAYS, (14.4, 6, 3, 1)),
        (timedelta(days=28), (13.44, 5.6, 2.8, 0.9333)),
    ],
)
def test_sloths_default_windows_page_at_the_workbook_factors(period, factors):
    windows = DEFAULT_WINDOWS[period]
    alerts = (windows.page_quick, windows.page_slow, windows.ticket_quick, windows.ticket_slow)
    assert [windows.factor(a) for a in alerts] == pytest.approx(factors, abs=1e-4)
    # 14.4 for an hour spends exactly 2% of a 30-day budget.
    quick = windows.page_quick
    assert windows.factor(quick) * (quick.long / period) == pytest.approx(0.02)


def test_budget_remaining_is_one_minus_the_error_ratio_over_the_budget():
    assert slo_math.budget_remaining(0.0005, OBJECTIVE) == pytest.approx(0.5)
    assert slo_math.budget_remaining(0.0, OBJECTIVE) == 1.0
    # Negative is kept: how far past the budget.
    assert slo_math.budget_remaining(0.0015, OBJECTIVE) == pytest.approx(-0.5)


@pytest.mark.parametrize(
    ("remaining", "status"),
    [
        (1.0, SloStatus.HEALTHY),
        (0.2001, SloStatus.HEALTHY),
        (0.2, SloStatus.WARNING),
        (0.01, SloStatus.WARNING),
        (0.0, SloStatus.EXHAUSTED),
        (-3.0, SloStatus.EXHAUSTED),
        (None, SloStatus.NO_DATA),
    ],
)
def test_status_thresholds(remaining, status):
    assert slo_math.status_of(remaining) == status


@pytest.mark.parametrize("total", [0.0, -1.0, None, math.nan, math.inf])
def test_zero_traffic_is_no_data_never_nan_or_infinity(total):
    assert slo_math.error_ratio(0.0, total) is None
    assert slo_math.burn_rate(slo_math.error_ratio(0.0, total), OBJECTIVE) is None
    assert slo_math.status_of(slo_math.budget_remaining(None, OBJECTIVE)) == SloStatus.NO_DATA


def test_extrapolation_past_the_total_is_clamped():
    assert slo_math.error_ratio(12.0, 10.0) == 1.0
    assert slo_math.error_ratio(-0.5, 10.0) == 0.0


def _spec(kind: str) -> SloSpec:
    queries = {
        "good": SliQueries("good", good_query="g[{{.window}}]", total_query="t[{{.window}}]"),
        "events": SliQueries("events", error_query="rate(e[{{.window}}])", total_query="t"),
    }[kind]
    return SloSpec("svc", "slo", OBJECTIVE, THIRTY_DAYS, queries)


def test_good_above_total_counts_as_no_bad_events():
    numbers = _window_numbers(_spec("good"), {"good": 100.2, "total": 100.0}, "5m")
    assert numbers.bad == 0.0
    assert numbers.ratio == 0.0


def test_rates_become_event_counts_over_the_window():
    numbers = _window_numbers(_spec("events"), {"bad": 0.01, "total": 10.0}, "1h")
    assert numbers.total == pytest.approx(36000)
    assert numbers.bad == pytest.approx(36)
    assert numbers.ratio == pytest.approx(0.001)


def test_sums_not_means_of_short_ratios():
    """A quiet hour with many errors must not weigh like a busy hour with few."""
    busy = (10.0, 100_000.0)  # 0.01% errors
    quiet = (5.0, 100.0)  # 5% errors
    mean_of_ratios = (busy[0] / busy[1] + quiet[0] / quiet[1]) / 2
    ratio = slo_math.error_ratio(busy[0] + quiet[0], busy[1] + quiet[1])
    assert ratio == pytest.approx(15 / 100_100)
    assert mean_of_ratios > 100 * ratio


def test_coverage_is_the_share_of_the_window_since_the_first_sample():
    now = 1_000_000_000.0
    ten_days_ago = now - 10 * 86400
    assert slo_math.coverage(ten_days_ago, now, THIRTY_DAYS) == pytest.approx(1 / 3)
    assert slo_math.coverage(now - 40 * 86400, now, THIRTY_DAYS) == 1.0
    assert slo_math.coverage(None, now, THIRTY_DAYS) is None


@pytest.mark.parametrize(
    ("objective", "spent", "status"),
    [
        (0.999, 0.0, SloStatus.HEALTHY),
        (0.999, 0.2, SloStatus.HEALTHY),
        (0.999, 0.8, SloStatus.WARNING),
        (0.999, 1.0, SloStatus.EXHAUSTED),
        (0.9995, 1.0, SloStatus.EXHAUSTED),
        (0.99, 1.0, SloStatus.EXHAUSTED),
        (0.95, 1.0, SloStatus.EXHAUSTED),
    ],
)
def test_a_budget_spent_exactly_is_exhausted_not_a_rounding_error_short(objective, spent, status):
    """0.1% errors on 99.9% left 6.7e-16 of the budget by float subtraction: "warning", and
    deploys allowed."""
    budget = round(1 - objective, 10)
    ratio = slo_math.error_ratio(round(budget * spent * 1_000_000), 1_000_000)
    remaining = slo_math.budget_remaining(ratio, objective)
    assert slo_math.status_of(remaining) == status
    if spent == 1.0:
        assert remaining == 0.0
