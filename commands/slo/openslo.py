"""OpenSLO spec files (kind SLO): `openslo/v1` with `ratioMetric` and `thresholdMetric`
indicators, and `openslo/v1alpha` read as Sloth reads it (`ratioMetrics`, one SLO per
objective, named `<name>-<index>`, no alerts)."""

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.slo.calendar import CalendarWindow, parse_shorthand
from commands.slo.load_context import LoadContext
from commands.slo.spec_documents import SpecDocument, check_window_query
from commands.slo.specs import (
    WINDOW_PLACEHOLDER,
    Alerting,
    AlertSpec,
    SliQueries,
    SloSpec,
    parse_duration,
)

_SELECTOR = re.compile(r"^\s*[a-zA-Z_:][a-zA-Z0-9_:]*\s*(\{[^{}]*\})?\s*$")
_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
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


def _slo_name(doc: SpecDocument) -> str:
    """The `metadata.name` of an OpenSLO document of `kind: SLO` (v1 and v1alpha alike)."""
    doc.mapping((), _OSLO_ROOT, {"apiVersion", "kind", "metadata", "spec"})
    kind = doc.text(("kind",))
    if kind != "SLO":
        raise doc.fail(("kind",), f"unsupported kind {kind!r} (only kind: SLO is read)")
    doc.mapping(("metadata",), _OSLO_META, {"name"})
    name = doc.text(("metadata", "name"))
    return name


def read_openslo(doc: SpecDocument, context: LoadContext) -> list[SloSpec]:
    name = _slo_name(doc)
    spec = doc.mapping(("spec",), _OSLO_SPEC, {"service", "objectives"})
    if "indicatorRef" in spec:
        raise doc.fail(("spec", "indicatorRef"), "unsupported field (inline the indicator)")
    if spec.get("alertPolicies"):
        raise doc.fail(("spec", "alertPolicies"), "unsupported field (alerts come from rules)")
    if "indicator" not in spec:
        raise doc.fail(("spec", "indicator"), "required field is missing")
    service = doc.text(("spec", "service"))
    window, calendar = _openslo_window(doc)
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
        raise doc.fail(
            (*obj_at, "timeSliceTarget"),
            "unsupported field: a ratioMetric is counted in events (Occurrences), and a "
            "thresholdMetric's slices are good when the value holds",
        )
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
    method = spec.get("budgetingMethod", "Occurrences")
    # A threshold SLI counts the slices (of timeSliceWindow) in which the gauge held, which
    # is what Timeslices means and, per sample, what Occurrences does.
    counted = ("Occurrences", "Timeslices") if queries.kind == "threshold" else ("Occurrences",)
    if method not in counted:
        raise doc.fail(
            ("spec", "budgetingMethod"),
            f"unsupported {method!r} here: a ratioMetric is read with Occurrences (events), "
            "a thresholdMetric with Timeslices or Occurrences",
        )
    # Last: what the SLO is and how it counts matter more than the alert windows it needs.
    windows = context.windows.for_period(window)
    if windows is None:
        raise doc.fail(("spec", "timeWindow"), context.windows.missing(window))
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
            mode="cli-gen-openslo",
            percent=float(target) * 100,
            alert_windows=windows,
            calendar=calendar,
        )
    ]


_V1ALPHA_SPEC = {"description", "service", "budgetingMethod", "objectives", "timeWindows"}
_V1ALPHA_QUERY = {"source", "queryType", "query", "metadata"}


def read_openslo_v1alpha(doc: SpecDocument, context: LoadContext) -> list[SloSpec]:
    name = _slo_name(doc)
    spec = doc.mapping(("spec",), _V1ALPHA_SPEC, {"service", "objectives"})
    service = doc.text(("spec", "service"))
    method = spec.get("budgetingMethod", "Occurrences")
    if method != "Occurrences":
        raise doc.fail(("spec", "budgetingMethod"), "unsupported (Occurrences is read)")
    window = timedelta(days=30)
    periods = spec.get("timeWindows") or []
    if not isinstance(periods, list) or len(periods) > 1:
        raise doc.fail(("spec", "timeWindows"), "give one time window at most")
    if periods:
        at = ("spec", "timeWindows", 0)
        period = doc.mapping(at, {"count", "unit", "isRolling", "calendar"}, {"count", "unit"})
        if str(period.get("unit", "")).lower() != "day":
            raise doc.fail((*at, "unit"), "unsupported: only Day windows are read (as Sloth)")
        count = period.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise doc.fail((*at, "count"), "must be a whole number of days")
        window = timedelta(days=count)
    windows = context.windows.for_period(window)
    if windows is None:
        raise doc.fail(("spec", "timeWindows"), context.windows.missing(window))
    objectives = spec.get("objectives")
    if not isinstance(objectives, list) or not objectives:
        raise doc.fail(("spec", "objectives"), "give at least one objective")
    out = []
    for index in range(len(objectives)):
        at = ("spec", "objectives", index)
        objective = doc.mapping(at, {"displayName", "ratioMetrics", "target", "value", "op"})
        target = objective.get("target")
        if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target < 1:
            raise doc.fail((*at, "target"), "must be a ratio above 0 and below 1, e.g. 0.99")
        if "ratioMetrics" not in objective:
            raise doc.fail((*at, "ratioMetrics"), "required field is missing (ratioMetrics)")
        ratio = (*at, "ratioMetrics")
        doc.mapping(ratio, {"good", "total", "counter"}, {"good", "total"})

        def query(part: str, ratio: tuple[Any, ...] = ratio) -> str:
            where = (*ratio, part)
            doc.mapping(where, _V1ALPHA_QUERY, {"query"})
            source = doc.text((*where, "source"), required=False) or "prometheus"
            if source not in ("prometheus", "sloth"):
                raise doc.fail((*where, "source"), f"unsupported source {source!r} (prometheus)")
            query_type = doc.text((*where, "queryType"), required=False) or "promql"
            if query_type != "promql":
                raise doc.fail((*where, "queryType"), f"unsupported {query_type!r} (promql)")
            return check_window_query(doc, (*where, "query"), doc.text((*where, "query")))

        percent = float(target) * 100
        out.append(
            SloSpec(
                service=service,
                name=f"{name}-{index}",
                objective=round(float(target), 12),
                window=window,
                sli=SliQueries("good", good_query=query("good"), total_query=query("total")),
                description=doc.text(("spec", "description"), required=False),
                alerting=Alerting(page=AlertSpec(disable=True), ticket=AlertSpec(disable=True)),
                source=str(doc.path),
                spec_version="openslo/v1alpha",
                mode="cli-gen-openslo",
                percent=percent,
                alert_windows=windows,
            )
        )
    return out


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_.]", name)) + "Burn"


def _openslo_window(doc: SpecDocument) -> tuple[timedelta, CalendarWindow | None]:
    """The period, and its calendar when it is calendar-aligned (`isRolling: false`)."""
    windows = doc.get(("spec", "timeWindow"))
    if windows is None:
        return parse_duration("30d"), None
    if not isinstance(windows, list) or len(windows) != 1:
        raise doc.fail(("spec", "timeWindow"), "give exactly one time window")
    at = ("spec", "timeWindow", 0)
    window = doc.mapping(at, {"duration", "isRolling", "calendar"}, {"duration"})
    rolling = window.get("isRolling", "calendar" not in window)  # OpenSLO's default
    if not isinstance(rolling, bool):
        raise doc.fail((*at, "isRolling"), "must be true or false")
    if rolling:
        if "calendar" in window:
            raise doc.fail((*at, "calendar"), "a rolling window has no calendar")
        return doc.duration((*at, "duration"), "30d"), None
    if "calendar" not in window:
        raise doc.fail(
            (*at, "calendar"),
            "a calendar-aligned window (isRolling: false) needs calendar: startTime, timeZone",
        )
    calendar = _calendar(doc, at)
    return calendar.nominal, calendar


def _calendar(doc: SpecDocument, at: tuple[Any, ...]) -> CalendarWindow:
    try:
        count, unit = parse_shorthand(doc.text((*at, "duration")))
    except ValueError as exc:
        raise doc.fail((*at, "duration"), str(exc)) from None
    where = (*at, "calendar")
    doc.mapping(where, {"startTime", "timeZone"}, {"startTime", "timeZone"})
    zone_name = doc.text((*where, "timeZone"))
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise doc.fail((*where, "timeZone"), f"unknown time zone {zone_name!r}") from None
    start = doc.get((*where, "startTime"))  # YAML reads `2022-01-01 12:00:00` as a datetime
    if not isinstance(start, datetime):
        try:
            start = datetime.fromisoformat(str(start).strip())
        except ValueError:
            raise doc.fail(
                (*where, "startTime"), "must be a date and time such as 2022-01-01 00:00:00"
            ) from None
    if start.tzinfo is not None:
        start = start.astimezone(zone).replace(tzinfo=None)
    return CalendarWindow(count, unit, start, zone)


def _metric_source(doc: SpecDocument, at: tuple[Any, ...]) -> str:
    doc.mapping(at, {"type", "spec", "metricSourceRef"}, {"spec"})
    if doc.get((*at, "metricSourceRef")) is not None:
        raise doc.fail((*at, "metricSourceRef"), "unsupported field (give type and spec.query)")
    kind = doc.text((*at, "type"), required=False) or "Prometheus"
    if kind.lower() != "prometheus":
        raise doc.fail((*at, "type"), f"unsupported metric source {kind!r} (only Prometheus)")
    doc.mapping((*at, "spec"), {"query"}, {"query"})
    return doc.text((*at, "spec", "query")).strip()


def _openslo_ratio(doc: SpecDocument, at: tuple[Any, ...]) -> SliQueries:
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
