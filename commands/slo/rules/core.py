"""Sloth's core SLO plugins (`sloth.dev/core/*/v1`): the SLI and metadata recording rules,
the multi-window multi-burn-rate alerts, validation, and the no-op and debug plugins.

The text of every rule is Sloth's, so that dashboards and alerts built on Sloth's rules find
them unchanged. The one difference: a histogram bucket written `le="1"` is matched as
`le=~"1|1\\.0"`, which finds the bucket on Prometheus 3 too (see `specs.portable_le`).
"""

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from commands.slo.alert_windows import AlertWindow
from commands.slo.promtext import go_float, go_float_f, prom_duration
from commands.slo.rules.model import Request, Rule, SloRules, sli_metric
from commands.slo.specs import WINDOW_VARIABLE

log = logging.getLogger(__name__)

Processor = Callable[[Request, SloRules], None]

_NAME = re.compile(r"^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class PluginError(ValueError):
    """A plugin refused its options or the SLO; the message says why."""


def options(config: dict[str, Any], allowed: dict[str, type | tuple[type, ...]]) -> None:
    """Refuse unknown options and options of the wrong type, naming them."""
    for key, value in config.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise PluginError(f"unknown option {key!r} (options: {known})")
        if value is not None and not isinstance(value, allowed[key]):
            raise PluginError(f"option {key!r} has the wrong type")


# --- sli_rules -------------------------------------------------------------------------------


def sli_rules(config: dict[str, Any]) -> Processor:
    options(config, {"disableOptimized": bool})
    optimized = not config.get("disableOptimized", False)

    def process(request: Request, rules: SloRules) -> None:
        rules.sli.rules = [
            _sli_rule(request, window, optimized) for window in period_windows(request)
        ]

    return process


def period_windows(request: Request) -> list[timedelta]:
    """The alert windows, then the whole period (Sloth adds it even if it is also one)."""
    return [*request.windows.sli_windows, request.spec.window]


def _sli_rule(request: Request, window: timedelta, optimized: bool) -> Rule:
    spec = request.spec
    if optimized and window == spec.window:
        expr = mean_of_short_ratios(request, window)
    else:
        expr = spec.sli.ratio(prom_duration(window))
    return Rule(
        record=sli_metric(window),
        expr=expr,
        labels={**request.ids, "sloth_window": prom_duration(window), **request.labels},
    )


def mean_of_short_ratios(request: Request, window: timedelta) -> str:
    """Sloth's optimized whole-period SLI: the shortest ratio averaged over the period. It
    is cheaper than a 30-day `rate()` and less exact; `disableOptimized: true` turns it off."""
    short = request.windows.page_quick.short
    if short == window:
        raise PluginError("the SLO period cannot be its own shortest alert window")
    metric = sli_metric(short) + request.filter
    period = prom_duration(window)
    return (
        f"sum_over_time({metric}[{period}])\n"
        "/ ignoring (sloth_window)\n"
        f"count_over_time({metric}[{period}])\n"
    )


# --- metadata_rules --------------------------------------------------------------------------


def metadata_rules(config: dict[str, Any]) -> Processor:
    options(config, {})

    def process(request: Request, rules: SloRules) -> None:
        rules.meta.rules = _metadata(request)

    return process


def _burn_rate(metric: str, selector: str) -> str:
    return (
        f"{metric}{selector}\n"
        "/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
        f"slo:error_budget:ratio{selector}\n"
    )


def _metadata(request: Request) -> list[Rule]:
    spec, selector = request.spec, request.filter
    labels = {**request.ids, **request.labels}
    ratio = go_float(spec.sloth_percent / 100)
    days = go_float((spec.window / timedelta(hours=1)) / 24)
    short = sli_metric(request.windows.page_quick.short)

    def rule(record: str, expr: str, extra: dict[str, str] | None = None) -> Rule:
        return Rule(record=record, expr=expr, labels={**labels, **(extra or {})})

    return [
        rule("slo:objective:ratio", f"vector({ratio})"),
        rule("slo:error_budget:ratio", f"vector(1-{ratio})"),
        rule("slo:time_period:days", f"vector({days})"),
        rule("slo:current_burn_rate:ratio", _burn_rate(short, selector)),
        rule("slo:period_burn_rate:ratio", _burn_rate(sli_metric(spec.window), selector)),
        rule(
            "slo:period_error_budget_remaining:ratio",
            f"1 - slo:period_burn_rate:ratio{selector}",
        ),
        rule(
            "sloth_slo_info",
            "vector(1)",
            {
                "sloth_version": request.version,
                "sloth_mode": spec.mode,
                "sloth_spec": spec.spec_version,
                "sloth_objective": go_float_f(spec.sloth_percent),
            },
        ),
    ]


# --- alert_rules -----------------------------------------------------------------------------

TITLE = (
    "({severity}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} "
    "SLO error budget burn rate is too fast."
)
SUMMARY = (
    "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected."
)


def alert_rules(config: dict[str, Any]) -> Processor:
    options(config, {})

    def process(request: Request, rules: SloRules) -> None:
        windows, alerting = request.windows, request.spec.alerting
        out = []
        for severity, alert, quick, slow in (
            ("page", alerting.page, windows.page_quick, windows.page_slow),
            ("ticket", alerting.ticket, windows.ticket_quick, windows.ticket_slow),
        ):
            if alert.disable:
                continue
            out.append(
                Rule(
                    alert=alert_name(request),
                    expr=_mwmb(request, quick, slow),
                    labels={"sloth_severity": severity, **alerting.labels, **alert.labels},
                    annotations={
                        "title": TITLE.format(severity=severity),
                        "summary": SUMMARY,
                        **alerting.annotations,
                        **alert.annotations,
                    },
                )
            )
        rules.alerts.rules = out

    return process


def alert_name(request: Request) -> str:
    """The spec's `alerting.name`; sre-bot names an unnamed SLO's alert (Sloth refuses it)."""
    spec = request.spec
    if spec.alerting.name:
        return spec.alerting.name
    words = [w for w in re.split(r"[-_.]", spec.id) if w]
    return "".join(w[:1].upper() + w[1:] for w in words) + "ErrorBudgetBurn"


def _mwmb(request: Request, quick: AlertWindow, slow: AlertWindow) -> str:
    windows, selector = request.windows, request.filter
    budget = go_float((100 - request.spec.sloth_percent) / 100)

    def pair(window: AlertWindow) -> str:
        threshold = f"({go_float(windows.factor(window))} * {budget})"
        short, long = sli_metric(window.short), sli_metric(window.long)
        return (
            "(\n"
            f"    max({short}{selector} > {threshold}) without (sloth_window)\n"
            "    and\n"
            f"    max({long}{selector} > {threshold}) without (sloth_window)\n"
            ")"
        )

    return f"{pair(quick)}\nor\n{pair(slow)}\n"


# --- validate, noop, debug -------------------------------------------------------------------


def validate(config: dict[str, Any]) -> Processor:
    options(config, {})
    return check_slo


def check_slo(request: Request, rules: SloRules) -> None:
    """Sloth's validation of an SLO, before any rule is written."""
    spec = request.spec
    for what, name in (("ID", spec.id), ("name", spec.name), ("service", spec.service)):
        if not _NAME.match(name):
            raise PluginError(
                f"invalid SLO {what} {name!r}: it must start and end with a letter or digit "
                "and hold only letters, digits, '.', '_' and '-'"
            )
    if not 0 < spec.sloth_percent <= 100:
        raise PluginError("the objective must be above 0 and at most 100")
    for key in request.labels:
        if not _LABEL.match(key):
            raise PluginError(f"invalid label name {key!r}")
    sli = spec.sli
    queries = {
        "events": [sli.error_query, sli.total_query],
        "good": [sli.good_query, sli.total_query],
        "raw": [sli.ratio_query],
    }.get(sli.kind, [])
    if sli.kind in ("events", "good") and queries[0].strip() == queries[1].strip():
        raise PluginError("the error (or good) and total queries cannot be the same")
    for query in queries:
        if not WINDOW_VARIABLE.search(query):
            raise PluginError("every SLI query must use the {{.window}} variable")
        _balanced(query)
    for alert in (spec.alerting.page, spec.alerting.ticket):
        for key in {**spec.alerting.labels, **alert.labels}:
            if not _LABEL.match(key):
                raise PluginError(f"invalid alert label name {key!r}")


def _balanced(query: str) -> None:
    """A cheap syntax check: brackets pair up outside string literals (promtool checks the
    rest when the rules are loaded)."""
    pairs, stack, quote = {")": "(", "]": "[", "}": "{"}, [], ""
    for i, char in enumerate(query):
        if quote:
            if char == quote and query[i - 1] != "\\":
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            stack.append(char)
        elif char in pairs and (not stack or stack.pop() != pairs[char]):
            raise PluginError(f"unbalanced {char!r} in query: {query.strip()}")
    if stack or quote:
        raise PluginError(f"unclosed bracket or quote in query: {query.strip()}")


def noop(config: dict[str, Any]) -> Processor:
    def process(request: Request, rules: SloRules) -> None:
        return None

    return process


def debug(config: dict[str, Any]) -> Processor:
    options(config, {"msg": str, "result": bool, "request": bool})

    def process(request: Request, rules: SloRules) -> None:
        parts = [config.get("msg") or "debug", f"slo={request.spec.id}"]
        if config.get("request"):
            parts.append(f"request={request!r}")
        if config.get("result"):
            parts.append(f"result={rules!r}")
        log.debug(" ".join(parts))

    return process
