"""Sloth's contrib SLO plugins (`sloth.dev/contrib/*/v1`), with the options their READMEs
document and the rules they generate."""

from datetime import timedelta
from typing import Any

from commands.slo.promtext import go_float, label_filter, parse_prom_duration, prom_duration
from commands.slo.rules.core import (
    PluginError,
    Processor,
    check_slo,
    mean_of_short_ratios,
    options,
    period_windows,
)
from commands.slo.rules.model import Request, Rule, SloRules, sli_metric
from commands.slo.specs import WINDOW_VARIABLE, portable_le

NUMERATOR_CORRECTION = "slo:numerator_correction:ratio"


def _labels(config: dict[str, Any], key: str, *, required: bool = False) -> dict[str, str]:
    value = config.get(key) or {}
    if not isinstance(value, dict) or not all(
        isinstance(v, str | int | float) for v in value.values()
    ):
        raise PluginError(f"option {key!r} must map label names to text")
    if required and not value:
        raise PluginError(f"option {key!r} needs at least one label")
    return {str(k): str(v) for k, v in value.items()}


def _duration(value: Any, key: str) -> timedelta:
    try:
        return parse_prom_duration(str(value))
    except ValueError as exc:
        raise PluginError(f"option {key!r}: {exc}") from None


def _fill(query: str, window: timedelta) -> str:
    return portable_le(WINDOW_VARIABLE.sub(prom_duration(window), query))


# --- denominator_corrected_rules -------------------------------------------------------------


def denominator_corrected_rules(config: dict[str, Any]) -> Processor:
    """Weighs each window's errors by its share of the period's traffic, so that a few
    failures at night do not page (Sloth PR #459). Replaces the SLI rules; events SLIs only."""
    options(config, {"disableOptimized": bool})
    optimized = not config.get("disableOptimized", False)

    def process(request: Request, rules: SloRules) -> None:
        sli, spec = request.spec.sli, request.spec
        if sli.kind != "events":
            raise PluginError("denominator corrected SLI requires SLI event type")
        out = []
        for window in period_windows(request):
            text = prom_duration(window)
            if window == spec.window and optimized:
                expr = mean_of_short_ratios(request, window)
            elif window == spec.window:
                expr = (
                    f"({_fill(sli.error_query, window)})\n/\n({_fill(sli.total_query, window)})\n"
                )
            else:
                expr = (
                    "(\n"
                    f"{NUMERATOR_CORRECTION}{text}{request.filter}\n"
                    "* on()\n"
                    f"{_fill(sli.error_query, window)}\n"
                    ")\n/\n"
                    f"({_fill(sli.total_query, window)})\n"
                )
            out.append(
                Rule(
                    record=sli_metric(window),
                    expr=expr,
                    labels={**request.ids, "sloth_window": text, **request.labels},
                )
            )
        rules.sli.rules = out
        labels = {**request.ids, **request.labels}
        for window in request.windows.sli_windows:
            numerator = _fill(sli.total_query, window)
            denominator = _fill(sli.total_query, spec.window)
            rules.meta.rules.append(
                Rule(
                    record=NUMERATOR_CORRECTION + prom_duration(window),
                    expr=f"({numerator})/({denominator})",
                    labels=dict(labels),
                )
            )

    return process


# --- error_budget_exhausted_alert ------------------------------------------------------------


def error_budget_exhausted_alert(config: dict[str, Any]) -> Processor:
    options(
        config,
        {
            "threshold": (int, float),
            "for": str,
            "annotations": dict,
            "alert_name": str,
            "alert_labels": dict,
            "selector_labels": dict,
        },
    )
    threshold = float(config.get("threshold") or 0)
    wait = _duration(config["for"], "for") if config.get("for") else timedelta(minutes=5)
    name = config.get("alert_name") or "ErrorBudgetExhausted"
    annotations = _labels(config, "annotations")
    alert_labels = _labels(config, "alert_labels")
    selector = _labels(config, "selector_labels")

    def process(request: Request, rules: SloRules) -> None:
        spec = request.spec
        matcher = {
            "sloth_slo": spec.name,
            "sloth_service": spec.service,
            "sloth_id": f"{spec.service}-{spec.name}",
            **request.labels,
            **selector,
        }
        rules.alerts.rules.append(
            Rule(
                alert=name,
                expr=(
                    f"slo:period_error_budget_remaining:ratio{label_filter(matcher)} "
                    f"<= {go_float(threshold)}"
                ),
                for_=wait,
                labels=dict(alert_labels),
                annotations=dict(annotations),
            )
        )

    return process


# --- info_labels, remove_labels, rule_intervals ----------------------------------------------


def info_labels(config: dict[str, Any]) -> Processor:
    options(config, {"labels": dict, "metricName": str})
    labels = _labels(config, "labels", required=True)
    metric = config.get("metricName") or "sloth_slo_info"

    def process(request: Request, rules: SloRules) -> None:
        for rule in rules.meta.rules:
            if rule.record == metric:
                rule.labels = {**rule.labels, **labels}
                break

    return process


def remove_labels(config: dict[str, Any]) -> Processor:
    options(config, {"preserveLabels": list, "skipMetrics": list})
    preserve = {str(x) for x in config.get("preserveLabels") or []}
    skip = {"sloth_slo_info", *(str(x) for x in config.get("skipMetrics") or [])}

    def process(request: Request, rules: SloRules) -> None:
        keep = {*request.ids, *preserve}
        for group, kept in ((rules.sli, {*keep, "sloth_window"}), (rules.meta, keep)):
            for rule in group.rules:
                if rule.record not in skip:
                    rule.labels = {k: v for k, v in rule.labels.items() if k in kept}

    return process


def rule_intervals(config: dict[str, Any]) -> Processor:
    options(config, {"interval": dict})
    intervals = config.get("interval") or {}
    options(intervals, {"default": str, "sliError": str, "metadata": str, "alert": str})
    if not intervals.get("default"):
        raise PluginError("at least default interval is required (interval: default: 1m)")
    parsed = {key: _duration(value, f"interval.{key}") for key, value in intervals.items()}

    def process(request: Request, rules: SloRules) -> None:
        rules.sli.interval = parsed.get("sliError", parsed["default"])
        rules.meta.interval = parsed.get("metadata", parsed["default"])
        rules.alerts.interval = parsed.get("alert", parsed["default"])

    return process


# --- validate_victoria_metrics ---------------------------------------------------------------


def validate_victoria_metrics(config: dict[str, Any]) -> Processor:
    """The same checks as `sloth.dev/core/validate/v1`: MetricsQL is a superset of the
    PromQL that these checks look at (names, labels, the window variable, brackets)."""
    options(config, {})
    return check_slo
