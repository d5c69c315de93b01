"""SLO reports: every SLO's error budget over its window, and burn rates, from Prometheus.

One query per SLO per window (the SLO's window, 5m, 1h, 6h, 3d), all at once in a bounded
pool (`commands.prometheus`), evaluated at `ctx.clock.now()`. Events are summed over the
whole window (`rate()` x window, which handles counter resets), never averaged from short
ratios.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from commands.clock import iso_utc
from commands.context import Context
from commands.errors import ConfigError, NotFound, PrometheusUnavailable
from commands.prometheus import (
    Instant,
    LabelValues,
    PrometheusClient,
    PrometheusQueryError,
    Range,
    matrix_parts,
    vector_min,
    vector_parts,
)
from commands.slo import budget as slo_math
from commands.slo.buckets import bucket_problem, bucket_uses
from commands.slo.budget import BURN_WINDOWS, SloStatus
from commands.slo.loading import load_slos
from commands.slo.specs import PART_LABEL, SloSpec, format_duration, parse_duration

# Steps of the window used to find its earliest data (coverage): 180 of them (4h for 30d,
# 56m for 7d). Finer steps cost Prometheus more than the rest of the report together.
COVERAGE_STEPS = 180
# The slot of a report's query over the SLO's own period (beside the BURN_WINDOWS).
PERIOD = "period"


class SloSpecError(ConfigError):
    """An SLO that cannot be evaluated as written (bad PromQL, a threshold off the buckets)."""


@dataclass(frozen=True)
class WindowNumbers:
    bad: float | None  # events (None for a raw SLI)
    total: float | None
    ratio: float | None  # error ratio, None without events


@dataclass(frozen=True)
class SloResult:
    spec: SloSpec
    evaluated_at: datetime
    window: WindowNumbers
    burn_rates: dict[str, float | None]
    coverage: float | None
    data_since: datetime | None

    @property
    def sli(self) -> float | None:
        return None if self.window.ratio is None else 1 - self.window.ratio

    @property
    def remaining(self) -> float | None:
        return slo_math.budget_remaining(self.window.ratio, self.spec.objective)

    @property
    def burn_rate(self) -> float | None:
        return slo_math.burn_rate(self.window.ratio, self.spec.objective)

    @property
    def budget_used(self) -> float | None:
        return self.burn_rate

    @property
    def bad_events(self) -> float | None:
        return self.window.bad if self.spec.sli.has_events else None

    @property
    def good_events(self) -> float | None:
        bad, total = self.bad_events, self.window.total
        return None if bad is None or total is None else max(0.0, total - bad)

    @property
    def period(self) -> tuple[datetime, datetime]:
        return self.spec.period_at(self.evaluated_at)

    @property
    def period_length(self) -> timedelta:
        """The whole budget period: the window, or all of the current calendar period."""
        start, end = self.period
        return end - start

    @property
    def budget_minutes(self) -> float:
        return slo_math.budget_minutes(self.spec.objective, self.period_length)

    @property
    def remaining_minutes(self) -> float | None:
        remaining = self.remaining
        return None if remaining is None else self.budget_minutes * remaining

    @property
    def error_minutes(self) -> float | None:
        """The window's errors as time: minutes of the window that were all errors."""
        ratio = self.window.ratio
        return None if ratio is None else self.period_length.total_seconds() / 60 * ratio

    @property
    def status(self) -> SloStatus:
        return slo_math.status_of(self.remaining)

    @property
    def partial(self) -> bool:
        return self.coverage is not None and self.coverage < 0.99

    def as_json(self) -> dict[str, Any]:
        spec = self.spec
        start, end = self.period
        return {
            "service": spec.service,
            "slo": spec.name,
            "id": spec.id,
            "description": spec.description,
            "objective": spec.objective,
            "objective_percent": spec.objective_percent,
            "window": spec.window_text,
            "window_start": iso_utc(start),
            "window_end": iso_utc(end),
            "window_calendar_aligned": spec.calendar is not None,
            "sli": self.sli,
            "error_ratio": self.window.ratio,
            "error_budget_remaining": self.remaining,
            "error_budget_used": self.budget_used,
            "burn_rate": self.burn_rate,
            "burn_rates": dict(self.burn_rates),
            "status": self.status.value,
            "total_events": self.window.total if spec.sli.has_events else None,
            "failed_events": self.bad_events,
            "good_events": self.good_events,
            "bad_events": self.bad_events,
            "error_budget_minutes": self.budget_minutes,
            "error_budget_remaining_minutes": self.remaining_minutes,
            "error_minutes": self.error_minutes,
            "window_coverage": self.coverage,
            "data_since": iso_utc(self.data_since) if self.data_since else None,
            "evaluated_at": iso_utc(self.evaluated_at),
            "spec": spec.source,
        }


@dataclass(frozen=True)
class SloReport:
    results: list[SloResult]
    evaluated_at: datetime
    prometheus_url: str

    @property
    def exhausted(self) -> list[SloResult]:
        return [r for r in self.results if r.status == SloStatus.EXHAUSTED]

    @property
    def deploys_allowed(self) -> bool:
        return not self.exhausted


@dataclass
class _Plan:
    """The queries of one report, and where each answer goes."""

    requests: list[Any] = field(default_factory=list)
    slots: list[tuple[int, str]] = field(default_factory=list)  # (spec index, window)


# The part of a window query that counts errors (or good events), where no series at all
# cannot mean "none": a threshold SLI's count of breaching samples may rightly be empty.
_PARTS = {"good": ("good",), "events": ("bad",)}


class EmptySli(Exception):
    """An error or good query matched no series while the total query counted events: not
    zero errors (a wrong label, such as `le="1"` where Prometheus 3 holds `le="1.0"`)."""


def _window_numbers(spec: SloSpec, parts: dict[str, float | None], window: str) -> WindowNumbers:
    sli = spec.sli
    counted = parts.get("total")
    for part in _PARTS.get(sli.kind, ()):
        if counted and parts.get(part) is None:
            query = sli.bad(window) if part == "bad" else sli.good(window)
            raise EmptySli(
                f"{spec.source}: SLO {spec.key}: its {part} query matched no series over "
                f"{window} while its total query counted events, so the budget cannot be "
                f"told; check the query's labels (end it with `or vector(0)` if no series "
                f"means none): {query}"
            )
    if sli.kind == "raw":
        ratio = parts.get("ratio")
        if ratio is not None:
            ratio = min(1.0, max(0.0, ratio))
        return WindowNumbers(None, None, ratio)
    total = parts.get("total")
    if sli.kind == "good":
        good = parts.get("good")
        bad = None if total is None else max(0.0, total - min(good or 0.0, total))
    else:
        bad = parts.get("bad")
    if sli.counts_are_rates:
        seconds = parse_duration(window).total_seconds()
        bad = None if bad is None else bad * seconds
        total = None if total is None else total * seconds
    if total is not None and total <= 0:
        total = 0.0
    if bad is not None and total is not None:
        bad = min(max(0.0, bad), total)  # extrapolation can put bad past total
    return WindowNumbers(bad, total, slo_math.error_ratio(bad, total))


def elapsed(spec: SloSpec, at: datetime) -> timedelta:
    """How much of the SLO's period the figures cover at `at`: the whole rolling window, or
    the current calendar period so far (whole minutes, at least one)."""
    if spec.calendar is None:
        return spec.window
    start, _ = spec.period_at(at)
    return timedelta(minutes=max(1, int((at - start).total_seconds() // 60)))


def period_text(spec: SloSpec, at: datetime) -> str:
    """The range of the query over the SLO's period at `at` (`30d`, or `12960m` into a
    calendar month)."""
    return spec.window_text if spec.calendar is None else format_duration(elapsed(spec, at))


def coverage_step(spec: SloSpec, at: datetime) -> str:
    seconds = max(60, int(elapsed(spec, at).total_seconds() // COVERAGE_STEPS) // 60 * 60)
    return format_duration(timedelta(seconds=seconds))


def _queries(spec: SloSpec, at: datetime) -> list[tuple[str, str]]:
    """(slot, query) of one SLO's report: its period, with coverage, then each burn window."""
    period = spec.sli.window_query(period_text(spec, at), coverage_step(spec, at))
    return [(PERIOD, period), *((w, spec.sli.window_query(w)) for w in BURN_WINDOWS)]


def plan_queries(specs: list[SloSpec], at: datetime) -> _Plan:
    plan = _Plan()
    for index, spec in enumerate(specs):
        for slot, query in _queries(spec, at):
            plan.requests.append(Instant(query))
            plan.slots.append((index, slot))
    return plan


def _results(
    specs: list[SloSpec], plan: _Plan, answers: list[Any], at: datetime
) -> list[SloResult]:
    windows: dict[int, dict[str, WindowNumbers]] = {i: {} for i in range(len(specs))}
    firsts: dict[int, float | None] = {}
    for (index, slot), answer in zip(plan.slots, answers, strict=True):
        spec = specs[index]
        window = period_text(spec, at) if slot == PERIOD else slot
        windows[index][slot] = _window_numbers(spec, vector_parts(answer, PART_LABEL), window)
        if slot == PERIOD:
            firsts[index] = vector_min(answer, PART_LABEL, "first")
    results = []
    for index, spec in enumerate(specs):
        numbers = windows[index]
        first = firsts.get(index)
        coverage = slo_math.coverage(first, at.timestamp(), elapsed(spec, at))
        if numbers[PERIOD].ratio is None:
            coverage = coverage if first is not None else None
        results.append(
            SloResult(
                spec=spec,
                evaluated_at=at,
                window=numbers[PERIOD],
                burn_rates={
                    w: slo_math.burn_rate(numbers[w].ratio, spec.objective) for w in BURN_WINDOWS
                },
                coverage=coverage,
                data_since=datetime.fromtimestamp(first, at.tzinfo) if first else None,
            )
        )
    return results


def check_buckets(specs: list[SloSpec], client: PrometheusClient, at: datetime) -> None:
    """A latency SLI must compare with a histogram bucket boundary that exists."""
    uses = [(spec, use) for spec in specs for use in bucket_uses(spec)]
    if not uses:
        return
    answers = client.run([LabelValues("le", use.selector) for _, use in uses], at=at)
    problems = []
    for (spec, use), boundaries in zip(uses, answers, strict=True):
        problem = bucket_problem(use, boundaries)
        if problem:
            problems.append(f"{spec.source}: SLO {spec.key}: {problem}")
    if problems:
        raise SloSpecError("\n".join(problems))


def evaluate(
    ctx: Context,
    specs: list[SloSpec] | None = None,
    client: PrometheusClient | None = None,
) -> SloReport:
    """Every SLO (or `specs`), evaluated now. Raises PrometheusUnavailable, SloSpecError."""
    specs = load_slos(ctx.config) if specs is None else specs
    own = client is None
    client = client or PrometheusClient.from_config(ctx.config)
    at = ctx.clock.now()
    try:
        check_buckets(specs, client, at)
        plan = plan_queries(specs, at)
        try:
            answers = client.run(plan.requests, at=at)
        except PrometheusQueryError as exc:
            raise SloSpecError(_which_spec(specs, exc, at)) from exc
        try:
            return SloReport(_results(specs, plan, answers, at), at, client.url)
        except EmptySli as empty:  # the gate answers "unknown" (exit 3), never "healthy"
            raise PrometheusUnavailable(client.url, str(empty)) from empty
    finally:
        if own:
            client.close()


def _which_spec(specs: list[SloSpec], error: PrometheusQueryError, at: datetime) -> str:
    for spec in specs:
        if any(query == error.query for _, query in _queries(spec, at)):
            return f"{spec.source}: SLO {spec.key}: Prometheus refused its query: {error.reason}"
    return f"Prometheus refused a query: {error.reason}"


def find_slo(specs: list[SloSpec], name: str) -> SloSpec:
    """By name, `service/name` or Sloth id; case does not matter."""
    wanted = name.strip().lower()
    matches = [
        spec for spec in specs if wanted in (spec.name.lower(), spec.key.lower(), spec.id.lower())
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(spec.name for spec in specs) or "-"
        raise NotFound("slo.not_found", name=name[:80], known=known)
    raise NotFound(
        "slo.ambiguous", name=name[:80], candidates=", ".join(spec.key for spec in matches)
    )


@dataclass(frozen=True)
class BudgetPoint:
    at: datetime
    remaining: float


def budget_history(
    spec: SloSpec, client: PrometheusClient, at: datetime, points: int = 60
) -> list[BudgetPoint]:
    """How the current window's budget was spent: remaining budget at each step from the
    window's start (100%) to now (the report's figure), for the digest chart."""
    begin = at - elapsed(spec, at)
    step = max(60, int((at - begin).total_seconds() // points) // 60 * 60)
    step_text = format_duration(timedelta(seconds=step))
    start = begin + timedelta(seconds=step)
    if spec.sli.kind == "raw":
        return []
    [answer] = client.run([Range(spec.sli.window_query(step_text), start, at, step)], at=at)
    series = matrix_parts(answer, PART_LABEL)
    times = sorted(set().union(*(set(v) for v in series.values())) if series else set())
    bad_steps: list[tuple[float, float, float]] = []
    for ts in times:
        parts = {name: values.get(ts) for name, values in series.items()}
        numbers = _window_numbers(spec, parts, step_text)
        bad_steps.append((ts, numbers.bad or 0.0, numbers.total or 0.0))
    total = sum(t for _, _, t in bad_steps)
    if total <= 0:
        return []
    budget = total * spec.error_budget
    out = [BudgetPoint(begin, 1.0)]
    spent = 0.0
    for ts, bad, _ in bad_steps:
        spent += bad
        out.append(BudgetPoint(datetime.fromtimestamp(ts, at.tzinfo), 1 - spent / budget))
    return out
