"""Prometheus metrics. Incident figures are read from the database at scrape time, so every
replica (and every change made from the CLI) reports the same truth."""

from collections.abc import Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from commands.alerts.groups import firing_counts
from commands.context import Context
from commands.incidents.severity import SEVERITY_NAMES
from commands.incidents.stats import incident_stats
from storage.db import DatabaseUnavailable

REGISTRY = CollectorRegistry(auto_describe=True)

SLACK_CALLS = Counter(
    "sre_bot_slack_api_calls_total",
    "Slack Web API calls by method and outcome.",
    ["method", "outcome"],
    registry=REGISTRY,
)
SLACK_ERRORS = Counter(
    "sre_bot_slack_api_errors_total",
    "Slack Web API errors by method and error code.",
    ["method", "error"],
    registry=REGISTRY,
)
OUTBOX_DELIVERED = Counter(
    "sre_bot_outbox_delivered_total",
    "Outbox messages delivered to Slack, by operation.",
    ["op"],
    registry=REGISTRY,
)
OUTBOX_DELIVERY_SECONDS = Histogram(
    "sre_bot_outbox_delivery_delay_seconds",
    "Time from a change being committed to its Slack message being delivered.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800),
    registry=REGISTRY,
)
SLACK_REQUESTS = Counter(
    "sre_bot_slack_requests_total",
    "Requests received from Slack, by kind and outcome.",
    ["kind", "outcome"],
    registry=REGISTRY,
)

ALERT_WEBHOOKS = Counter(
    "sre_bot_alert_webhooks_total",
    "Alert webhook requests, by source (alertmanager, grafana) and result "
    "(ok, unauthorized, bad_request, too_large, unavailable, error).",
    ["source", "result"],
    registry=REGISTRY,
)


class IncidentCollector(Collector):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def describe(self) -> list:
        return []

    def collect(self) -> Iterator:
        up = GaugeMetricFamily(
            "sre_bot_database_up", "Whether the database answered this scrape (1) or not (0)."
        )
        try:
            stats = incident_stats(self.ctx)
            alert_groups = firing_counts(self.ctx)
        except DatabaseUnavailable:
            # The process's own counters (Slack errors...) matter most now: keep serving them.
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield _per_severity(
            GaugeMetricFamily(
                "sre_bot_incidents_open", "Open incidents by severity.", labels=["severity"]
            ),
            stats.open_by_severity,
        )
        yield _per_severity(
            CounterMetricFamily(
                "sre_bot_incident_acknowledgements",
                "Incidents acknowledged, by severity.",
                labels=["severity"],
            ),
            stats.acknowledged_by_severity,
        )
        mtta = HistogramMetricFamily(
            "sre_bot_incident_mtta_seconds",
            "Time from declaration to first acknowledgement.",
            labels=["severity"],
        )
        for severity, histogram in stats.mtta_histograms.items():
            buckets = [(str(float(b)), c) for b, c in histogram.cumulative] + [
                ("+Inf", histogram.count)
            ]
            mtta.add_metric([severity], buckets, histogram.total_seconds)
        yield mtta
        backlog = GaugeMetricFamily(
            "sre_bot_outbox_backlog", "Slack messages waiting to be delivered."
        )
        backlog.add_metric([], stats.outbox_backlog)
        yield backlog
        dead = GaugeMetricFamily(
            "sre_bot_outbox_dead", "Slack messages Slack refused for good (see the log)."
        )
        dead.add_metric([], stats.outbox_dead)
        yield dead
        firing = GaugeMetricFamily(
            "sre_bot_alert_groups_firing",
            "Alert groups with at least one firing alert, by severity.",
            labels=["severity"],
        )
        for severity in sorted({*SEVERITY_NAMES, *alert_groups}):
            firing.add_metric([severity], alert_groups.get(severity, 0))
        yield firing


def _per_severity(
    family: GaugeMetricFamily | CounterMetricFamily, counts: Mapping[str, float]
) -> GaugeMetricFamily | CounterMetricFamily:
    for severity, count in counts.items():
        family.add_metric([severity], count)
    return family


_collector: IncidentCollector | None = None


def watch_incidents(ctx: Context) -> None:
    """Report this context's incidents on /metrics (registered once per process)."""
    global _collector
    if _collector is None:
        _collector = IncidentCollector(ctx)
        REGISTRY.register(_collector)
    else:
        _collector.ctx = ctx
