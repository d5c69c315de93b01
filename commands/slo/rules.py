"""Prometheus rules for every SLO: Sloth-compatible recordings and burn-rate alerts.

The recording rules carry Sloth's names and labels (`slo:sli_error:ratio_rate5m`, ...,
`slo:objective:ratio`, `slo:error_budget:ratio`, `slo:period_error_budget_remaining:ratio`,
`sloth_service`, `sloth_slo`, `sloth_id`, `sloth_window`), so the community Sloth Grafana
dashboards work unchanged. One difference, on purpose: the ratio over the SLO's whole window
is sum(bad)/sum(total) over that window, not Sloth's mean of 5-minute ratios.

Alerts are the SRE Workbook's multi-window, multi-burn-rate pair: page when 2% of the
budget burns in 1h (checked over 1h and 5m) or 5% in 6h (6h and 30m); ticket when 10% burns
in 1d (1d and 2h) or in 3d (3d and 6h). For 30 days the factors are 14.4, 6, 3 and 1; other
windows scale them: factor = budget share x period / long window.
"""

from datetime import timedelta
from typing import Any

import yaml

from commands.slo import budget as slo_math
from commands.slo.specs import SloSpec, format_duration

SLI_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
GENERATOR = "sre-bot"


def _selector(spec: SloSpec) -> str:
    return f'sloth_id="{spec.id}", sloth_service="{spec.service}", sloth_slo="{spec.name}"'


def _ids(spec: SloSpec) -> dict[str, str]:
    return {"sloth_id": spec.id, "sloth_service": spec.service, "sloth_slo": spec.name}


def _number(value: float) -> str:
    return f"{value:.10g}"


def sli_windows(spec: SloSpec) -> list[str]:
    windows = list(SLI_WINDOWS)
    if spec.window_text not in windows:
        windows.append(spec.window_text)
    return windows


def recording_group(spec: SloSpec) -> dict[str, Any]:
    rules = []
    for window in sli_windows(spec):
        rules.append(
            {
                "record": f"slo:sli_error:ratio_rate{window}",
                "expr": spec.sli.ratio(window) + "\n",
                "labels": {**spec.labels, **_ids(spec), "sloth_window": window},
            }
        )
    return {"name": f"sloth-slo-sli-recordings-{spec.id}", "rules": rules}


def meta_group(spec: SloSpec) -> dict[str, Any]:
    labels = {**spec.labels, **_ids(spec)}
    sel = _selector(spec)
    period = spec.window_text
    days = spec.window / timedelta(days=1)
    return {
        "name": f"sloth-slo-meta-recordings-{spec.id}",
        "rules": [
            {
                "record": "slo:objective:ratio",
                "expr": f"vector({_number(spec.objective)})",
                "labels": labels,
            },
            {
                "record": "slo:error_budget:ratio",
                "expr": f"vector(1-{_number(spec.objective)})",
                "labels": labels,
            },
            {"record": "slo:time_period:days", "expr": f"vector({days:g})", "labels": labels},
            {
                "record": "slo:current_burn_rate:ratio",
                "expr": (
                    f"slo:sli_error:ratio_rate5m{{{sel}}}\n"
                    "/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
                    f"slo:error_budget:ratio{{{sel}}}\n"
                ),
                "labels": labels,
            },
            {
                "record": "slo:period_burn_rate:ratio",
                "expr": (
                    f"slo:sli_error:ratio_rate{period}{{{sel}}}\n"
                    "/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
                    f"slo:error_budget:ratio{{{sel}}}\n"
                ),
                "labels": labels,
            },
            {
                "record": "slo:period_error_budget_remaining:ratio",
                "expr": f"1 - slo:period_burn_rate:ratio{{{sel}}}",
                "labels": labels,
            },
            {
                "record": "sloth_slo_info",
                "expr": "vector(1)",
                "labels": {
                    **labels,
                    "sloth_mode": "cli-gen-prom",
                    "sloth_objective": f"{spec.objective_percent:g}",
                    "sloth_spec": spec.spec_version,
                    "sloth_version": GENERATOR,
                },
            },
        ],
    }


def alert_factors(spec: SloSpec) -> dict[str, list[tuple[float, str, str]]]:
    """severity -> [(factor, long window, short window)], scaled to the SLO's window."""
    out: dict[str, list[tuple[float, str, str]]] = {}
    for severity, windows in (
        ("page", slo_math.PAGE_WINDOWS),
        ("ticket", slo_math.TICKET_WINDOWS),
    ):
        out[severity] = [
            (
                slo_math.alert_factor(share, long, spec.window),
                format_duration(long),
                format_duration(short),
            )
            for share, long, short in windows
        ]
    return out


def _alert_expr(spec: SloSpec, pairs: list[tuple[float, str, str]]) -> str:
    sel = _selector(spec)
    budget = _number(spec.error_budget)
    blocks = []
    for factor, long, short in pairs:
        threshold = f"({_number(factor)} * {budget})"
        short_rule = f"slo:sli_error:ratio_rate{short}{{{sel}}}"
        long_rule = f"slo:sli_error:ratio_rate{long}{{{sel}}}"
        blocks.append(
            "(\n"
            f"    max({short_rule} > {threshold}) without (sloth_window)\n"
            "    and\n"
            f"    max({long_rule} > {threshold}) without (sloth_window)\n"
            ")"
        )
    return "\nor\n".join(blocks) + "\n"


def alert_name(spec: SloSpec) -> str:
    if spec.alerting.name:
        return spec.alerting.name
    words = [w for w in spec.id.replace("_", "-").replace(".", "-").split("-") if w]
    return "".join(w[:1].upper() + w[1:] for w in words) + "ErrorBudgetBurn"


def alert_group(spec: SloSpec) -> dict[str, Any] | None:
    factors = alert_factors(spec)
    rules = []
    for severity, alert in (("page", spec.alerting.page), ("ticket", spec.alerting.ticket)):
        if alert.disable:
            continue
        title = (
            f"({severity}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} "
            "SLO error budget burn rate is too fast."
        )
        rules.append(
            {
                "alert": alert_name(spec),
                "expr": _alert_expr(spec, factors[severity]),
                "labels": {
                    **spec.alerting.labels,
                    **alert.labels,
                    "sloth_severity": severity,
                },
                "annotations": {
                    "title": title,
                    **spec.alerting.annotations,
                    **alert.annotations,
                },
            }
        )
    if not rules:
        return None
    return {"name": f"sloth-slo-alerts-{spec.id}", "rules": rules}


def rule_groups(specs: list[SloSpec]) -> dict[str, Any]:
    groups = []
    for spec in specs:
        groups.append(recording_group(spec))
        groups.append(meta_group(spec))
        alerts = alert_group(spec)
        if alerts is not None:
            groups.append(alerts)
    return {"groups": groups}


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def rules_yaml(specs: list[SloSpec]) -> str:
    header = (
        "# Generated by sre-bot from the SLO specs; Sloth-compatible recording rules and\n"
        "# multi-window multi-burn-rate alerts. Regenerate with: sre-bot slo rules\n"
    )
    body = yaml.dump(
        rule_groups(specs), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000
    )
    return header + "---\n" + body
