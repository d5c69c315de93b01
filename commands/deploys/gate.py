"""The deploy gate: may a feature deploy go out now?

Blocked when any SLO's error budget is spent, or when an incident of a blocking severity
(Sev1 and Sev2 unless `slos.deploy_gate.block_on_open_incidents` says otherwise) is open.
When Prometheus cannot be reached the answer is "unknown" (exit 3, HTTP 503), unless an
open incident already blocks: then it is "blocked", with Prometheus named among the reasons.
"""

from dataclasses import dataclass, field
from typing import Any

from commands.clock import iso_utc
from commands.context import Context
from commands.errors import PrometheusUnavailable
from commands.incidents import lifecycle as incidents
from commands.prometheus import PrometheusClient
from commands.slo.evaluation import SloReport, evaluate
from commands.slo.loading import load_slos
from commands.slo.specs import SloSpec

ALLOWED = "allowed"
BLOCKED = "blocked"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reason:
    kind: str  # slo_exhausted | incident_open | prometheus_unreachable
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.data}


@dataclass(frozen=True)
class GateDecision:
    verdict: str
    reasons: list[Reason] = field(default_factory=list)
    report: SloReport | None = None
    prometheus_error: str | None = None

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOWED

    def codes(self) -> list[str]:
        """The reasons without what they name: `open_sev1`, `slo_exhausted`, ..."""
        codes = [
            f"open_{str(r.data.get('severity', '')).lower()}"
            if r.kind == "incident_open"
            else r.kind
            for r in self.reasons
        ]
        return list(dict.fromkeys(codes))

    def public_json(self) -> dict[str, Any]:
        """What anyone may see: the decision and its reason codes, no titles or names."""
        return {
            "allowed": self.allowed,
            "status": self.verdict,
            "reasons": [{"kind": code} for code in self.codes()],
            "evaluated_at": iso_utc(self.report.evaluated_at) if self.report else None,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "status": self.verdict,
            "reasons": [reason.as_json() for reason in self.reasons],
            "slos": [r.as_json() for r in self.report.results] if self.report else [],
            "prometheus_error": self.prometheus_error,
            "evaluated_at": iso_utc(self.report.evaluated_at) if self.report else None,
        }


def check_deploy(
    ctx: Context,
    specs: list[SloSpec] | None = None,
    client: PrometheusClient | None = None,
) -> GateDecision:
    specs = load_slos(ctx.config) if specs is None else specs
    reasons: list[Reason] = []
    blocking = set(ctx.config.slos.deploy_gate.block_on_open_incidents)
    if blocking:
        for incident in incidents.list_incidents(ctx, open_only=True, limit=None):
            if incident.severity in blocking:
                reasons.append(
                    Reason(
                        "incident_open",
                        {
                            "id": incident.id,
                            "severity": incident.severity,
                            "status": incident.status,
                            "title": incident.title,
                        },
                    )
                )
    report = None
    problem = None
    if specs:
        try:
            report = evaluate(ctx, specs, client)
        except PrometheusUnavailable as exc:
            problem = str(exc)
        else:
            for result in report.exhausted:
                reasons.insert(
                    len([r for r in reasons if r.kind == "slo_exhausted"]),
                    Reason(
                        "slo_exhausted",
                        {
                            "service": result.spec.service,
                            "slo": result.spec.name,
                            "error_budget_remaining": result.remaining,
                        },
                    ),
                )
    if problem is not None:
        reasons.append(Reason("prometheus_unreachable", {"error": problem}))
        blocked = any(r.kind != "prometheus_unreachable" for r in reasons)
        verdict = BLOCKED if blocked else UNKNOWN
    else:
        verdict = BLOCKED if reasons else ALLOWED
    return GateDecision(verdict, reasons, report, problem)
