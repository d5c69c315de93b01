"""What the rule generators work on: one SLO's rule groups, in Sloth's shape (SLI recordings,
metadata recordings, alerts, and any extra groups a plugin adds)."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from commands.slo.alert_windows import AlertWindows
from commands.slo.promtext import label_filter, prom_duration
from commands.slo.specs import SloSpec


@dataclass
class Rule:
    record: str = ""
    alert: str = ""
    expr: str = ""
    for_: timedelta | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"record": self.record} if self.record else {"alert": self.alert}
        out["expr"] = self.expr
        if self.for_:
            out["for"] = prom_duration(self.for_)
        if self.labels:
            out["labels"] = dict(sorted(self.labels.items()))
        if self.annotations:
            out["annotations"] = dict(sorted(self.annotations.items()))
        return out


@dataclass
class RuleGroup:
    name: str = ""
    interval: timedelta | None = None
    rules: list[Rule] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.interval:
            out["interval"] = prom_duration(self.interval)
        out["rules"] = [rule.as_dict() for rule in self.rules]
        return out


@dataclass
class SloRules:
    sli: RuleGroup = field(default_factory=RuleGroup)
    meta: RuleGroup = field(default_factory=RuleGroup)
    alerts: RuleGroup = field(default_factory=RuleGroup)
    extra: list[RuleGroup] = field(default_factory=list)


@dataclass
class Request:
    """One SLO on its way through the plugin chain."""

    spec: SloSpec
    windows: AlertWindows
    labels: dict[str, str]  # the SLO's labels, with any extra labels of the run
    version: str

    @property
    def ids(self) -> dict[str, str]:
        spec = self.spec
        return {"sloth_id": spec.id, "sloth_service": spec.service, "sloth_slo": spec.name}

    @property
    def filter(self) -> str:
        return label_filter(self.ids)


def sli_metric(window: timedelta) -> str:
    return f"slo:sli_error:ratio_rate{prom_duration(window)}"
