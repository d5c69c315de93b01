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
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from commands.config import Config
from commands.errors import ConfigError
from commands.yaml_lines import located

WINDOW_PLACEHOLDER = "{{.window}}"
PART_LABEL = "sre_bot_part"
_DURATION = re.compile(r"^([1-9][0-9]*)(m|h|d|w)$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SELECTOR = re.compile(r"^\s*[a-zA-Z_:][a-zA-Z0-9_:]*\s*(\{[^{}]*\})?\s*$")
_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
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
        return template.replace(WINDOW_PLACEHOLDER, window)

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
        """The error ratio over `window` as one expression (for recording rules)."""
        if self.kind == "raw":
            return self._fill(self.ratio_query, window)
        if self.kind == "good":
            return f"1 - (({self.good(window)}) / ({self.total(window)}))"
        return f"({self.bad(window)})\n/\n({self.total(window)})"

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

    @property
    def id(self) -> str:
        """Sloth's `sloth_id`."""
        return f"{self.service}-{self.name}"

    @property
    def key(self) -> str:
        return f"{self.service}/{self.name}"

    @property
    def window_text(self) -> str:
        return format_duration(self.window)

    @property
    def objective_percent(self) -> float:
        return round(self.objective * 100, 6)

    @property
    def error_budget(self) -> float:
        return 1 - self.objective


class _Spec:
    """A parsed YAML document that knows where its keys are, to name them in errors."""

    def __init__(self, path: Path, data: Any, lines: dict[tuple, int]) -> None:
        self.path, self.data, self.lines = path, data, lines

    def fail(self, at: tuple, problem: str) -> ConfigError:
        line = next((self.lines[at[:n]] for n in range(len(at), -1, -1) if at[:n] in self.lines), 0)
        where = f"{self.path}:{line}" if line else str(self.path)
        dotted = _dotted(at) or "(top level)"
        return ConfigError(f"{where}: {dotted}: {problem}")

    def get(self, at: tuple) -> Any:
        value = self.data
        for part in at:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def mapping(self, at: tuple, allowed: set[str], required: set[str] = frozenset()) -> dict:
        value = self.get(at)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.fail(at, "must be a mapping")
        for key in value:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail((*at, key), f"unsupported field (supported here: {known})")
        for key in sorted(required):
            if value.get(key) in (None, ""):
                raise self.fail((*at, key), "required field is missing")
        return value

    def text(self, at: tuple, *, required: bool = True) -> str:
        value = self.get(at)
        if value is None or value == "":
            if required:
                raise self.fail(at, "required field is missing")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(at, "must be text")
        return str(value)

    def labels(self, at: tuple) -> dict[str, str]:
        value = self.get(at)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(at, "must be a mapping of label names to values")
        out: dict[str, str] = {}
        for key, item in value.items():
            if not re.match(r"^[a-zA-Z_][a-zA-Z0-9_]*$", str(key)):
                raise self.fail((*at, key), "not a valid Prometheus label name")
            if isinstance(item, dict | list) or item is None:
                raise self.fail((*at, key), "a label value must be text")
            out[str(key)] = str(item).lower() if isinstance(item, bool) else str(item)
        return out

    def duration(self, at: tuple, default: str) -> timedelta:
        value = self.get(at)
        try:
            window = parse_duration(default if value is None else str(value))
        except ValueError as exc:
            raise self.fail(at, str(exc)) from None
        if not timedelta(hours=1) <= window <= timedelta(days=400):
            raise self.fail(at, "must be between 1h and 400d")
        return window


def _dotted(at: tuple) -> str:
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _documents(path: Path) -> list[_Spec]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the SLO spec file ({exc.strerror})") from exc
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    documents = []
    for root in nodes:
        if root is not None:
            data, lines = located(root, path, expand=False)
            documents.append(_Spec(path, data, lines))
    if not documents:
        raise ConfigError(f"{path}: the SLO spec file is empty")
    return documents


def _check_window_query(doc: _Spec, at: tuple, query: str) -> str:
    if WINDOW_PLACEHOLDER not in query:
        raise doc.fail(at, "the query must use {{.window}} as its range, e.g. [{{.window}}]")
    return query.strip()


# --- Sloth prometheus/v1 ----------------------------------------------------------------------
_SLOTH_ROOT = {"version", "service", "labels", "slos"}
_SLOTH_SLO = {"name", "objective", "description", "labels", "sli", "alerting", "time_window"}
_SLOTH_ALERTING = {"name", "labels", "annotations", "page_alert", "ticket_alert"}
_SLOTH_ALERT = {"disable", "labels", "annotations"}


def _sloth(doc: _Spec) -> list[SloSpec]:
    root = doc.mapping((), _SLOTH_ROOT, {"version", "service", "slos"})
    service = doc.text(("service",))
    service_labels = doc.labels(("labels",))
    slos = root.get("slos")
    if not isinstance(slos, list) or not slos:
        raise doc.fail(("slos",), "must be a list of SLOs")
    specs = []
    for i in range(len(slos)):
        at: tuple = ("slos", i)
        doc.mapping(at, _SLOTH_SLO, {"name", "objective", "sli"})
        name = doc.text((*at, "name"))
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name):
            raise doc.fail((*at, "name"), "use letters, digits, '-', '_' and '.' only")
        objective = doc.get((*at, "objective"))
        if isinstance(objective, bool) or not isinstance(objective, int | float):
            raise doc.fail((*at, "objective"), "must be a number in percent, e.g. 99.9")
        if not 0 < float(objective) < 100:
            raise doc.fail((*at, "objective"), "must be above 0 and below 100 (percent)")
        sli_at = (*at, "sli")
        sli = doc.mapping(sli_at, {"events", "raw", "plugin"})
        if "plugin" in sli:
            raise doc.fail((*sli_at, "plugin"), "unsupported field (Sloth SLI plugins)")
        if ("events" in sli) == ("raw" in sli):
            raise doc.fail(sli_at, "give exactly one of events or raw")
        if "events" in sli:
            ev = (*sli_at, "events")
            doc.mapping(ev, {"error_query", "total_query"}, {"error_query", "total_query"})
            queries = SliQueries(
                "events",
                error_query=_check_window_query(
                    doc, (*ev, "error_query"), doc.text((*ev, "error_query"))
                ),
                total_query=_check_window_query(
                    doc, (*ev, "total_query"), doc.text((*ev, "total_query"))
                ),
            )
        else:
            raw = (*sli_at, "raw")
            doc.mapping(raw, {"error_ratio_query"}, {"error_ratio_query"})
            queries = SliQueries(
                "raw",
                ratio_query=_check_window_query(
                    doc, (*raw, "error_ratio_query"), doc.text((*raw, "error_ratio_query"))
                ),
            )
        specs.append(
            SloSpec(
                service=service,
                name=name,
                objective=round(float(objective) / 100, 12),
                window=doc.duration((*at, "time_window"), "30d"),
                sli=queries,
                description=doc.text((*at, "description"), required=False),
                labels={**service_labels, **doc.labels((*at, "labels"))},
                alerting=_sloth_alerting(doc, (*at, "alerting")),
                source=str(doc.path),
                spec_version="prometheus/v1",
            )
        )
    return specs


def _sloth_alerting(doc: _Spec, at: tuple) -> Alerting:
    doc.mapping(at, _SLOTH_ALERTING)

    def alert(kind: str) -> AlertSpec:
        where = (*at, kind)
        doc.mapping(where, _SLOTH_ALERT)
        disable = doc.get((*where, "disable"))
        if disable is not None and not isinstance(disable, bool):
            raise doc.fail((*where, "disable"), "must be true or false")
        return AlertSpec(
            disable=bool(disable),
            labels=doc.labels((*where, "labels")),
            annotations=_annotations(doc, (*where, "annotations")),
        )

    return Alerting(
        name=doc.text((*at, "name"), required=False),
        labels=doc.labels((*at, "labels")),
        annotations=_annotations(doc, (*at, "annotations")),
        page=alert("page_alert"),
        ticket=alert("ticket_alert"),
    )


def _annotations(doc: _Spec, at: tuple) -> dict[str, str]:
    value = doc.get(at)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise doc.fail(at, "must be a mapping of names to text")
    return {str(k): str(v) for k, v in value.items()}


# --- OpenSLO openslo/v1 ------------------------------------------------------------------------
_OSLO_ROOT = {"apiVersion", "kind", "metadata", "spec"}
_OSLO_META = {"name", "displayName", "labels", "annotations"}
_OSLO_SPEC = {
    "description",
    "service",
    "indicator",
    "indicatorRef",
    "timeWindow",
    "budgetingMethod",
    "objectives",
    "alertPolicies",
}
_OSLO_OBJECTIVE = {
    "displayName",
    "op",
    "value",
    "target",
    "targetPercent",
    "timeSliceTarget",
    "timeSliceWindow",
}


def _openslo(doc: _Spec) -> list[SloSpec]:
    doc.mapping((), _OSLO_ROOT, {"apiVersion", "kind", "metadata", "spec"})
    kind = doc.text(("kind",))
    if kind != "SLO":
        raise doc.fail(("kind",), f"unsupported kind {kind!r} (only kind: SLO is read)")
    doc.mapping(("metadata",), _OSLO_META, {"name"})
    name = doc.text(("metadata", "name"))
    spec = doc.mapping(("spec",), _OSLO_SPEC, {"service", "objectives"})
    if "indicatorRef" in spec:
        raise doc.fail(("spec", "indicatorRef"), "unsupported field (inline the indicator)")
    if spec.get("alertPolicies"):
        raise doc.fail(("spec", "alertPolicies"), "unsupported field (alerts come from rules)")
    if "indicator" not in spec:
        raise doc.fail(("spec", "indicator"), "required field is missing")
    service = doc.text(("spec", "service"))
    window = _openslo_window(doc)
    objectives = spec.get("objectives")
    if not isinstance(objectives, list) or len(objectives) != 1:
        raise doc.fail(("spec", "objectives"), "give exactly one objective")
    obj_at = ("spec", "objectives", 0)
    objective_map = doc.mapping(obj_at, _OSLO_OBJECTIVE)
    target = objective_map.get("target")
    if target is None and objective_map.get("targetPercent") is not None:
        target = float(objective_map["targetPercent"]) / 100
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target < 1:
        raise doc.fail((*obj_at, "target"), "must be a ratio above 0 and below 1, e.g. 0.99")
    if objective_map.get("timeSliceTarget") is not None:
        raise doc.fail((*obj_at, "timeSliceTarget"), "unsupported field")
    ind = ("spec", "indicator")
    doc.mapping(ind, {"metadata", "spec"}, {"spec"})
    ind_spec = doc.mapping((*ind, "spec"), {"description", "ratioMetric", "thresholdMetric"})
    if ("ratioMetric" in ind_spec) == ("thresholdMetric" in ind_spec):
        raise doc.fail((*ind, "spec"), "give exactly one of ratioMetric or thresholdMetric")
    if "ratioMetric" in ind_spec:
        queries = _openslo_ratio(doc, (*ind, "spec", "ratioMetric"))
    else:
        op = doc.text((*obj_at, "op"))
        if op not in _OPS:
            raise doc.fail((*obj_at, "op"), f"must be one of {', '.join(_OPS)}")
        value = objective_map.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise doc.fail((*obj_at, "value"), "must be a number")
        slice_text = objective_map.get("timeSliceWindow") or "1m"
        try:
            slice_window = parse_duration(str(slice_text))
        except ValueError as exc:
            raise doc.fail((*obj_at, "timeSliceWindow"), str(exc)) from None
        source = (*ind, "spec", "thresholdMetric")
        doc.mapping(source, {"metricSource"}, {"metricSource"})
        queries = SliQueries(
            "threshold",
            gauge_query=_metric_source(doc, (*source, "metricSource")),
            op=op,
            value=float(value),
            slice=slice_window,
        )
    method = spec.get("budgetingMethod")
    if method is not None and method not in ("Occurrences", "Timeslices"):
        raise doc.fail(("spec", "budgetingMethod"), "unsupported (Occurrences or Timeslices)")
    return [
        SloSpec(
            service=service,
            name=name,
            objective=float(target),
            window=window,
            sli=queries,
            description=doc.text(("spec", "description"), required=False),
            labels=doc.labels(("metadata", "labels")),
            alerting=Alerting(name=_camel(name)),
            source=str(doc.path),
            spec_version="openslo/v1",
        )
    ]


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_.]", name)) + "Burn"


def _openslo_window(doc: _Spec) -> timedelta:
    windows = doc.get(("spec", "timeWindow"))
    if windows is None:
        return parse_duration("30d")
    if not isinstance(windows, list) or len(windows) != 1:
        raise doc.fail(("spec", "timeWindow"), "give exactly one time window")
    at = ("spec", "timeWindow", 0)
    window = doc.mapping(at, {"duration", "isRolling", "calendar"}, {"duration"})
    if "calendar" in window or window.get("isRolling") is False:
        raise doc.fail((*at, "calendar"), "unsupported: only rolling windows are read")
    return doc.duration((*at, "duration"), "30d")


def _metric_source(doc: _Spec, at: tuple) -> str:
    doc.mapping(at, {"type", "spec", "metricSourceRef"}, {"spec"})
    if doc.get((*at, "metricSourceRef")) is not None:
        raise doc.fail((*at, "metricSourceRef"), "unsupported field (give type and spec.query)")
    kind = doc.text((*at, "type"), required=False) or "Prometheus"
    if kind.lower() != "prometheus":
        raise doc.fail((*at, "type"), f"unsupported metric source {kind!r} (only Prometheus)")
    doc.mapping((*at, "spec"), {"query"}, {"query"})
    return doc.text((*at, "spec", "query")).strip()


def _openslo_ratio(doc: _Spec, at: tuple) -> SliQueries:
    ratio = doc.mapping(at, {"counter", "good", "bad", "total"}, {"total"})
    if ("good" in ratio) == ("bad" in ratio):
        raise doc.fail(at, "give exactly one of good or bad, and total")

    def query(part: str) -> str:
        text = _metric_source(doc, (*at, part, "metricSource"))
        doc.mapping((*at, part), {"metricSource"}, {"metricSource"})
        if WINDOW_PLACEHOLDER in text:
            return text
        if _SELECTOR.match(text):
            return f"sum(rate({text}[{WINDOW_PLACEHOLDER}]))"
        raise doc.fail(
            (*at, part, "metricSource", "spec", "query"),
            "use {{.window}} as the range, or give a plain counter selector such as "
            'http_requests_total{code!~"5.."}',
        )

    total = query("total")
    if "good" in ratio:
        return SliQueries("good", good_query=query("good"), total_query=total)
    return SliQueries("events", error_query=query("bad"), total_query=total)


# --- loading -----------------------------------------------------------------------------------


def load_spec_file(path: Path) -> list[SloSpec]:
    specs: list[SloSpec] = []
    for doc in _documents(path):
        if not isinstance(doc.data, dict):
            raise doc.fail((), "must be a mapping (a Sloth or OpenSLO spec)")
        if "apiVersion" in doc.data:
            version = doc.text(("apiVersion",))
            if version != "openslo/v1":
                raise doc.fail(("apiVersion",), f"unsupported {version!r} (use openslo/v1)")
            specs.extend(_openslo(doc))
        elif "version" in doc.data:
            version = doc.text(("version",))
            if version != "prometheus/v1":
                raise doc.fail(
                    ("version",), f"unsupported {version!r} (Sloth prometheus/v1 is read)"
                )
            specs.extend(_sloth(doc))
        else:
            raise doc.fail(
                (), "not an SLO spec: expected version: prometheus/v1 or apiVersion: openslo/v1"
            )
    return specs


def load_slos(config: Config) -> list[SloSpec]:
    """Every SLO of the spec files under `slos:`; a duplicate service/name is an error."""
    specs: list[SloSpec] = []
    seen: dict[str, str] = {}
    for entry in config.slos.files:
        path = config.resolve_path(entry)
        if not path.is_file():
            raise ConfigError(f"{config.source}: slos: no such SLO spec file {path}")
        for spec in load_spec_file(path):
            if spec.key in seen:
                raise ConfigError(
                    f"{path}: SLO {spec.key} is defined twice (also in {seen[spec.key]})"
                )
            seen[spec.key] = str(path)
            specs.append(spec)
    return specs


# --- histogram buckets -------------------------------------------------------------------------
_BUCKET = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*_bucket)\s*\{([^{}]*)\}")
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')


@dataclass(frozen=True)
class BucketUse:
    """A latency SLI reading one histogram bucket: `metric{matchers, le="threshold"}`."""

    metric: str
    matchers: str  # the other matchers, as written
    threshold: str

    @property
    def selector(self) -> str:
        return f"{self.metric}{{{self.matchers}}}" if self.matchers else self.metric


def bucket_uses(spec: SloSpec) -> list[BucketUse]:
    """The histogram buckets the SLI's queries read, other than `+Inf`."""
    text = " ".join((spec.sli.error_query, spec.sli.good_query, spec.sli.total_query))
    text += " " + spec.sli.ratio_query
    found: dict[tuple[str, str, str], BucketUse] = {}
    for metric, inner in _BUCKET.findall(text):
        le = None
        others = []
        for name, op, value in _MATCHER.findall(inner):
            if name == "le" and op == "=":
                le = value
            else:
                others.append(f'{name}{op}"{value}"')
        if le is None or le.lower() in ("+inf", "inf"):
            continue
        use = BucketUse(metric, ",".join(others), le)
        found[(use.metric, use.matchers, use.threshold)] = use
    return list(found.values())


def bucket_problem(use: BucketUse, boundaries: list[str]) -> str | None:
    """Why the threshold cannot be read from these boundaries, or None when it can."""
    finite = []
    for text in boundaries:
        try:
            value = float(text)
        except ValueError:
            continue
        if value != float("inf"):
            finite.append(value)
    if not finite:
        return None  # no data yet: nothing to check against
    try:
        threshold = float(use.threshold)
    except ValueError:
        return f'le="{use.threshold}" is not a number'
    if any(abs(threshold - value) <= 1e-9 * max(1.0, abs(value)) for value in finite):
        return None
    usable = ", ".join(f"{value:g}" for value in sorted(finite))
    return (
        f"{use.metric}: the threshold {use.threshold} is not a histogram bucket boundary, so "
        f"the SLI cannot count requests under it; use one of: {usable}"
    )
