"""OpenSLO `openslo/v1` spec files (kind SLO): `ratioMetric` and `thresholdMetric` indicators."""

import re
from datetime import timedelta
from typing import Any

from commands.slo.spec_documents import SpecDocument
from commands.slo.specs import (
    WINDOW_PLACEHOLDER,
    Alerting,
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


def read_openslo(doc: SpecDocument) -> list[SloSpec]:
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


def _openslo_window(doc: SpecDocument) -> timedelta:
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
