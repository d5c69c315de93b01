"""Sloth's SLO plugin chain: the default plugins (validate, SLI rules, metadata rules,
alert rules), with a spec's `slo_plugins:` and per-SLO `plugins:` around them.

Plugins are ordered by `priority` (stable; equal priorities keep their written order). Those
below 0 run before the defaults, the others after; `overridePrevious: true` drops the
defaults (and, on an SLO, its group's chain), as in Sloth.
"""

from collections.abc import Callable
from typing import Any

from commands.slo.rules import contrib, core
from commands.slo.rules.core import PluginError, Processor
from commands.slo.rules.model import Request, SloRules
from commands.slo.specs import PluginRef

Factory = Callable[[dict[str, Any]], Processor]

PLUGINS: dict[str, Factory] = {
    "sloth.dev/core/validate/v1": core.validate,
    "sloth.dev/core/sli_rules/v1": core.sli_rules,
    "sloth.dev/core/metadata_rules/v1": core.metadata_rules,
    "sloth.dev/core/alert_rules/v1": core.alert_rules,
    "sloth.dev/core/noop/v1": core.noop,
    "sloth.dev/core/debug/v1": core.debug,
    "sloth.dev/contrib/denominator_corrected_rules/v1": contrib.denominator_corrected_rules,
    "sloth.dev/contrib/error_budget_exhausted_alert/v1": contrib.error_budget_exhausted_alert,
    "sloth.dev/contrib/info_labels/v1": contrib.info_labels,
    "sloth.dev/contrib/remove_labels/v1": contrib.remove_labels,
    "sloth.dev/contrib/rule_intervals/v1": contrib.rule_intervals,
    "sloth.dev/contrib/validate_victoria_metrics/v1": contrib.validate_victoria_metrics,
}
DEFAULT_CHAIN = (
    "sloth.dev/core/validate/v1",
    "sloth.dev/core/sli_rules/v1",
    "sloth.dev/core/metadata_rules/v1",
    "sloth.dev/core/alert_rules/v1",
)


def build(ref: PluginRef) -> Processor:
    """The plugin's processor; an unknown ID or a bad option is a PluginError."""
    factory = PLUGINS.get(ref.id)
    if factory is None:
        raise PluginError(f"unknown SLO plugin {ref.id!r} (known: {', '.join(sorted(PLUGINS))})")
    if not isinstance(ref.config, dict):
        raise PluginError("config must be a mapping of options")
    return factory(ref.config)


def processors(refs: tuple[PluginRef, ...], override: bool) -> list[Processor]:
    ordered = sorted(refs, key=lambda ref: ref.priority)
    before = [build(ref) for ref in ordered if ref.priority < 0]
    after = [build(ref) for ref in ordered if ref.priority >= 0]
    defaults = [] if override else [PLUGINS[i]({}) for i in DEFAULT_CHAIN]
    return [*before, *defaults, *after]


def generate(request: Request) -> SloRules:
    spec = request.spec
    rules = SloRules()
    for process in processors(spec.plugins, spec.override_plugins):
        try:
            process(request, rules)
        except PluginError as exc:
            raise PluginError(f"{spec.source}: SLO {spec.key}: {exc}") from None
    rules.sli.name = rules.sli.name or f"sloth-slo-sli-recordings-{spec.id}"
    rules.meta.name = rules.meta.name or f"sloth-slo-meta-recordings-{spec.id}"
    rules.alerts.name = rules.alerts.name or f"sloth-slo-alerts-{spec.id}"
    for i, group in enumerate(rules.extra):
        group.name = group.name or f"sloth-slo-extra-rules-{i:03d}-{spec.id}"
    return rules
