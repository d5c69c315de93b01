"""Sloth `prometheus/v1` spec files, read as Sloth writes them (plus a per-SLO `time_window`)."""

import re
from typing import Any

from commands.slo.spec_documents import SpecDocument, check_window_query
from commands.slo.specs import Alerting, AlertSpec, SliQueries, SloSpec

_SLOTH_ROOT = {"version", "service", "labels", "slos"}
_SLOTH_SLO = {"name", "objective", "description", "labels", "sli", "alerting", "time_window"}
_SLOTH_ALERTING = {"name", "labels", "annotations", "page_alert", "ticket_alert"}
_SLOTH_ALERT = {"disable", "labels", "annotations"}


def read_sloth(doc: SpecDocument) -> list[SloSpec]:
    root = doc.mapping((), _SLOTH_ROOT, {"version", "service", "slos"})
    service = doc.text(("service",))
    service_labels = doc.labels(("labels",))
    slos = root.get("slos")
    if not isinstance(slos, list) or not slos:
        raise doc.fail(("slos",), "must be a list of SLOs")
    specs = []
    for i in range(len(slos)):
        at: tuple[Any, ...] = ("slos", i)
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
                error_query=check_window_query(
                    doc, (*ev, "error_query"), doc.text((*ev, "error_query"))
                ),
                total_query=check_window_query(
                    doc, (*ev, "total_query"), doc.text((*ev, "total_query"))
                ),
            )
        else:
            raw = (*sli_at, "raw")
            doc.mapping(raw, {"error_ratio_query"}, {"error_ratio_query"})
            queries = SliQueries(
                "raw",
                ratio_query=check_window_query(
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


def _sloth_alerting(doc: SpecDocument, at: tuple[Any, ...]) -> Alerting:
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


def _annotations(doc: SpecDocument, at: tuple[Any, ...]) -> dict[str, str]:
    value = doc.get(at)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise doc.fail(at, "must be a mapping of names to text")
    return {str(k): str(v) for k, v in value.items()}
