"""Sloth spec files, read as Sloth reads them: `version: prometheus/v1`, and the Kubernetes
`sloth.slok.dev/v1` `PrometheusServiceLevel` resource (the same fields in camelCase, under
`spec`). sre-bot adds one field: a per-SLO `time_window` (`timeWindow`), default 30d."""

import logging
import re
from dataclasses import dataclass
from typing import Any

from commands.slo.load_context import LoadContext
from commands.slo.rules.chain import build
from commands.slo.rules.core import PluginError
from commands.slo.spec_documents import SpecDocument, check_window_query
from commands.slo.specs import Alerting, AlertSpec, PluginRef, SliQueries, SloSpec, format_duration


@dataclass(frozen=True)
class Dialect:
    spec_version: str
    mode: str
    root: tuple[str, ...]  # where service, labels and slos are
    slo_plugins: str
    error_query: str
    total_query: str
    error_ratio_query: str
    page_alert: str
    ticket_alert: str
    time_window: str


PROMETHEUS_V1 = Dialect(
    "prometheus/v1",
    "cli-gen-prom",
    (),
    "slo_plugins",
    "error_query",
    "total_query",
    "error_ratio_query",
    "page_alert",
    "ticket_alert",
    "time_window",
)
KUBERNETES_V1 = Dialect(
    "sloth.slok.dev/v1",
    "cli-gen-k8s",
    ("spec",),
    "sloPlugins",
    "errorQuery",
    "totalQuery",
    "errorRatioQuery",
    "pageAlert",
    "ticketAlert",
    "timeWindow",
)
_ALERT = {"disable", "labels", "annotations"}
log = logging.getLogger(__name__)
_CHAIN = {"overridePrevious", "chain"}
_PLUGIN = {"id", "priority", "config"}


def read_sloth(doc: SpecDocument, context: LoadContext, dialect: Dialect) -> list[SloSpec]:
    base = dialect.root
    if base:
        doc.mapping((), {"apiVersion", "kind", "metadata", "spec"}, {"kind", "spec"})
        doc.mapping(("metadata",), {"name", "namespace", "labels", "annotations"})
        root = doc.mapping(base, {"service", "labels", "slos", dialect.slo_plugins}, {"service"})
    else:
        root = doc.mapping(
            (), {"version", "service", "labels", "slos", dialect.slo_plugins}, {"service"}
        )
    service = doc.text((*base, "service"))
    service_labels = doc.labels((*base, "labels"))
    group_chain, group_override = _chain(doc, (*base, dialect.slo_plugins))
    slos = root.get("slos")
    if not isinstance(slos, list) or not slos:
        raise doc.fail((*base, "slos"), "must be a list of SLOs")
    specs = []
    for i in range(len(slos)):
        at: tuple[Any, ...] = (*base, "slos", i)
        fields = {"name", "objective", "description", "labels", "sli", "alerting", "plugins"}
        doc.mapping(at, {*fields, dialect.time_window}, {"name", "objective", "sli"})
        name = doc.text((*at, "name"))
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name):
            raise doc.fail((*at, "name"), "use letters, digits, '-', '_' and '.' only")
        objective = doc.get((*at, "objective"))
        if isinstance(objective, bool) or not isinstance(objective, int | float):
            raise doc.fail((*at, "objective"), "must be a number in percent, e.g. 99.9")
        if not 0 < float(objective) < 100:
            raise doc.fail((*at, "objective"), "must be above 0 and below 100 (percent)")
        labels = {**service_labels, **doc.labels((*at, "labels"))}
        chain, override = _chain(doc, (*at, "plugins"))
        if override:
            plugins = chain
        else:
            plugins, override = group_chain + chain, group_override
        default = format_duration(context.default_window)
        window = doc.duration((*at, dialect.time_window), default)
        windows = context.windows.for_period(window)
        if windows is None:
            raise doc.fail((*at, dialect.time_window), context.windows.missing(window))
        meta = {"service": service, "slo": name, "objective": f"{float(objective):f}"}
        specs.append(
            SloSpec(
                service=service,
                name=name,
                objective=round(float(objective) / 100, 12),
                window=window,
                sli=_sli(doc, (*at, "sli"), dialect, context, labels, meta),
                description=doc.text((*at, "description"), required=False),
                labels=labels,
                alerting=_alerting(doc, (*at, "alerting"), dialect),
                source=str(doc.path),
                spec_version=dialect.spec_version,
                mode=dialect.mode,
                percent=float(objective),
                plugins=plugins,
                override_plugins=override,
                alert_windows=windows,
            )
        )
    return specs


def _chain(doc: SpecDocument, at: tuple[Any, ...]) -> tuple[tuple[PluginRef, ...], bool]:
    """A plugin chain (`{overridePrevious, chain: [{id, priority, config}]}`), each plugin
    built once here so that an unknown ID or a bad option names its line."""
    block = doc.mapping(at, _CHAIN)
    override = block.get("overridePrevious", False)
    if not isinstance(override, bool):
        raise doc.fail((*at, "overridePrevious"), "must be true or false")
    chain = block.get("chain") or []
    if not isinstance(chain, list):
        raise doc.fail((*at, "chain"), "must be a list of plugins")
    refs = []
    for i in range(len(chain)):
        where = (*at, "chain", i)
        doc.mapping(where, _PLUGIN, {"id"})
        priority = doc.get((*where, "priority")) or 0
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise doc.fail((*where, "priority"), "must be a whole number")
        config = doc.get((*where, "config"))
        ref = PluginRef(doc.text((*where, "id")), priority, config if config is not None else {})
        try:
            build(ref)
        except PluginError as exc:
            raise doc.fail(where, str(exc)) from None
        refs.append(ref)
    if override and not refs:
        raise doc.fail((*at, "overridePrevious"), "is set but no plugins are in the chain")
    return tuple(refs), override


def _sli(
    doc: SpecDocument,
    at: tuple[Any, ...],
    dialect: Dialect,
    context: LoadContext,
    labels: dict[str, str],
    meta: dict[str, str],
) -> SliQueries:
    sli = doc.mapping(at, {"events", "raw", "plugin"})
    if len([k for k in ("events", "raw", "plugin") if k in sli]) != 1:
        raise doc.fail(at, "give exactly one of events, raw or plugin")
    if "events" in sli:
        ev = (*at, "events")
        names = {dialect.error_query, dialect.total_query}
        doc.mapping(ev, names, names)
        error, total = (*ev, dialect.error_query), (*ev, dialect.total_query)
        return SliQueries(
            "events",
            error_query=check_window_query(doc, error, doc.text(error)),
            total_query=check_window_query(doc, total, doc.text(total)),
        )
    if "raw" in sli:
        raw = (*at, "raw", dialect.error_ratio_query)
        doc.mapping((*at, "raw"), {dialect.error_ratio_query}, {dialect.error_ratio_query})
        return SliQueries("raw", ratio_query=check_window_query(doc, raw, doc.text(raw)))
    where = (*at, "plugin")
    doc.mapping(where, {"id", "options"}, {"id"})
    plugin_id = doc.text((*where, "id"))
    plugin = context.sli_plugins.get(plugin_id)
    if plugin is None:
        folder = context.sli_plugin_folder
        where_now = f"{folder}, which has no such ID" if folder else "sre-bot.yml sets none"
        raise doc.fail(
            (*where, "id"),
            f"no SLI plugin {plugin_id!r}: define it in a YAML file in the folder named by "
            f"slo_plugins: in sre-bot.yml ({where_now}; examples/slo_plugins/ has one)",
        )
    options = doc.labels((*where, "options")) if doc.get((*where, "options")) else {}
    try:
        return plugin.expand(options, labels, meta)
    except ValueError as exc:
        raise doc.fail(where, str(exc)) from None


def _alerting(doc: SpecDocument, at: tuple[Any, ...], dialect: Dialect) -> Alerting:
    other = KUBERNETES_V1 if dialect is PROMETHEUS_V1 else PROMETHEUS_V1
    misspelt = {other.page_alert: dialect.page_alert, other.ticket_alert: dialect.ticket_alert}
    block = doc.mapping(
        at,
        {"name", "labels", "annotations", dialect.page_alert, dialect.ticket_alert, *misspelt},
    )
    for key, spelling in misspelt.items():
        if key in block:
            # Sloth ignores the other format's spelling (its own examples have it), so the
            # rules are Sloth's; the person is told, since those labels are lost.
            problem = f"ignored, as Sloth ignores it: this format spells it {spelling}"
            log.warning("%s", doc.fail((*at, key), problem))

    def alert(kind: str) -> AlertSpec:
        where = (*at, kind)
        doc.mapping(where, _ALERT)
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
        page=alert(dialect.page_alert),
        ticket=alert(dialect.ticket_alert),
    )


def _annotations(doc: SpecDocument, at: tuple[Any, ...]) -> dict[str, str]:
    value = doc.get(at)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise doc.fail(at, "must be a mapping of names to text")
    return {str(k): str(v) for k, v in value.items()}
