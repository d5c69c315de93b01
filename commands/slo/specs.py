"""SLO definitions from spec files: Sloth `prometheus/v1` and OpenSLO `openslo/v1` (kind SLO).

Sloth files are read as Sloth writes them, plus one extension: a per-SLO `time_window`
(`7d`, `30d`; default 30d). OpenSLO files may use `ratioMetric` (good or bad over total) and
`thresholdMetric` (a gauge kept above or below a value, counted in time slices). Anything else
is refused with the file and the field named, so a spec never half-works.

Every SLI comes down to two numbers over a window: bad events and total events (or, for a
Sloth `raw` SLI, the error ratio itself). `SliQueries.window_query` builds the one PromQL
query that returns both, labelled, so a report costs one query per SLO per window.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from commands.slo import budget as slo_math
from commands.slo.calendar import CalendarWindow

if TYPE_CHECKING:
    from commands.slo.alert_windows import AlertWindows

WINDOW_PLACEHOLDER = "{{.window}}"
# Sloth's own test: `{{.window}}` with any spaces inside the braces.
WINDOW_VARIABLE = re.compile(r"{{ *\.window *}}")
PART_LABEL = "sre_bot_part"
_DURATION = re.compile(r"^([1-9][0-9]*)(m|h|d|w)$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# The opposite comparison: a slice is bad when the objective's comparison fails.
_BAD_OPS = {"gt": "<=", "gte": "<", "lt": ">=", "lte": ">"}


def parse_duration(text: str) -> timedelta:
    """`5m`, `1h`, `7d`, `4w` (Prometheus durations with one unit)."""
    match = _DURATION.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30d, 7d, 6h or 5m")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit in ("w", "d", "h", "m"):
        size = _UNITS[unit]
        if unit != "w" and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


# An exact `le` matcher on a histogram bucket: `le="1"`.
_LE = re.compile(r'(_bucket\s*\{[^{}]*?\ble\s*)=\s*"([0-9.eE+-]+)"')


def _spellings(number: str) -> list[str]:
    """How Prometheus may hold a bucket boundary: as the client wrote it (Prometheus 2:
    `1`, `2.5`) or as a float (Prometheus 3 stores `1.0`)."""
    value = float(number)
    forms = [number, repr(value)]
    if value.is_integer():
        forms += [str(int(value)), f"{int(value)}.0"]
    return list(dict.fromkeys(forms))


def portable_le(query: str) -> str:
    """`le="1"` as `le=~"1|1\\.0"`, which matches the bucket on Prometheus 2 and 3 alike.
    (On Prometheus 3 `le="1"` matches no series, and a budget would look untouched.) A
    boundary with one spelling only, such as `le="0.4"`, is left as written."""

    def replace(match: re.Match[str]) -> str:
        if len(_spellings(match[2])) == 1:
            return match[0]
        alternatives = "|".join(re.escape(f).replace("\\", "\\\\") for f in _spellings(match[2]))
        return f'{match[1]}=~"{alternatives}"'

    return _LE.sub(replace, query)


@dataclass(frozen=True)
class SliQueries:
    """How to ask Prometheus for an SLI over any window.

    kind: `events` (error and total queries), `good` (good and total), `raw` (an error ratio
    query) or `threshold` (a gauge compared with `value` in slices of `slice`).
    """

    kind: str
    error_query: str = ""
    good_query: str = ""
    total_query: str = ""
    ratio_query: str = ""
    gauge_query: str = ""
    op: str = ""
    value: float = 0.0
    slice: timedelta = timedelta(minutes=1)

    @property
    def has_events(self) -> bool:
        return self.kind != "raw"

    @property
    def counts_are_rates(self) -> bool:
        """Sloth's queries are per-second rates; `increase()` queries already count events."""
        if self.kind == "threshold":
            return False
        text = self.error_query + self.good_query + self.total_query
        return "increase(" not in text.replace(" ", "")

    def _fill(self, template: str, window: str) -> str:
        return portable_le(WINDOW_VARIABLE.sub(window, template))

    def bad(self, window: str) -> str:
        if self.kind == "events":
            return self._fill(self.error_query, window)
        if self.kind == "threshold":
            step = format_duration(self.slice)
            compare = f"({self.gauge_query}) {_BAD_OPS[self.op]} bool {self.value!r}"
            return f"sum(sum_over_time(({compare})[{window}:{step}]))"
        raise ValueError(f"a {self.kind} SLI has no bad-events query")

    def good(self, window: str) -> str:
        return self._fill(self.good_query, window)

    def total(self, window: str) -> str:
        if self.kind == "threshold":
            step = format_duration(self.slice)
            return f"sum(count_over_time(({self.gauge_query})[{window}:{step}]))"
        if self.kind == "raw":
            return self._fill(self.ratio_query, window)
        return self._fill(self.total_query, window)

    def ratio(self, window: str) -> str:
        """The error ratio over `window` as one expression, in the form Sloth writes it in a
        recording rule: `(error)\n/\n(total)\n`, or the raw query in parentheses."""
        if self.kind == "raw":
            return f"({self._fill(self.ratio_query, window)})"
        if self.kind == "good":
            return f"(1 - (({self.good(window)}) / ({self.total(window)})))"
        return f"({self.bad(window)})\n/\n({self.total(window)})\n"

    def window_query(self, window: str, coverage_step: str | None = None) -> str:
        """One query for `window`: its series carry `sre_bot_part` = bad, good, total or ratio.
        With `coverage_step`, also `first`: the earliest time within the window with data."""
        parts: list[tuple[str, str]]
        if self.kind == "raw":
            parts = [("ratio", self._fill(self.ratio_query, window))]
        elif self.kind == "good":
            parts = [("good", self.good(window)), ("total", self.total(window))]
        else:
            parts = [("bad", self.bad(window)), ("total", self.total(window))]
        if coverage_step:
            probe = self.total(coverage_step)
            parts.append(("first", f"min_over_time(timestamp({probe})[{window}:{coverage_step}])"))
        return " or ".join(
            f'label_replace(({expr}), "{PART_LABEL}", "{name}", "", "")' for name, expr in parts
        )


@dataclass(frozen=True)
class AlertSpec:
    disable: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Alerting:
    name: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    page: AlertSpec = AlertSpec()
    ticket: AlertSpec = AlertSpec()


@dataclass(frozen=True)
class PluginRef:
    """A Sloth SLO plugin in a chain: its ID, its place (lower runs first; below 0, before
    the default plugins) and its options."""

    id: str
    priority: int = 0
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SloSpec:
    service: str
    name: str
    objective: float  # ratio, 0.999
    window: timedelta
    sli: SliQueries
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    alerting: Alerting = Alerting()
    source: str = ""
    spec_version: str = "prometheus/v1"
    # Sloth's `sloth_mode` label: how the spec was read (cli-gen-prom, -k8s, -openslo).
    mode: str = "cli-gen-prom"
    # The objective in percent as the file wrote it (99.9), for Sloth's exact figures.
    percent: float = 0.0
    plugins: tuple[PluginRef, ...] = ()
    override_plugins: bool = False
    alert_windows: "AlertWindows | None" = None
    # A calendar-aligned window (OpenSLO isRolling: false); `window` is then its nominal
    # length, for the rules.
    calendar: CalendarWindow | None = None

    @property
    def id(self) -> str:
        """Sloth's `sloth_id`."""
        return f"{self.service}-{self.name}"

    @property
    def key(self) -> str:
        return f"{self.service}/{self.name}"

    @property
    def window_text(self) -> str:
        return self.calendar.text if self.calendar else format_duration(self.window)

    def period_at(self, at: datetime) -> tuple[datetime, datetime]:
        """The budget period that `at` falls in: the last `window` up to `at`, or the
        current calendar period."""
        if self.calendar:
            return self.calendar.period_at(at)
        return at - self.window, at

    @property
    def sloth_percent(self) -> float:
        return self.percent or self.objective * 100

    @property
    def objective_percent(self) -> float:
        return round(self.objective * 100, 6)

    @property
    def error_budget(self) -> float:
        return slo_math.error_budget(self.objective)
