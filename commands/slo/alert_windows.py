"""Multi-window, multi-burn-rate alert windows per SLO period, as Sloth defines them.

Sloth ships windows for 30 and 28 days (the SRE Workbook's: 2% of the budget in 1h and 5% in
6h page, 10% in 1d and in 3d open a ticket). Any other period needs a Sloth `AlertWindows`
file (`apiVersion: sloth.slok.dev/v1`, `kind: AlertWindows`), listed under
`slos: alert_windows:` in sre-bot.yml; an SLO whose period has none is refused at load.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from commands.errors import ConfigError
from commands.slo.promtext import prom_duration
from commands.slo.spec_documents import SpecDocument, documents
from commands.slo.specs import parse_duration

KIND = "AlertWindows"
API_VERSION = "sloth.slok.dev/v1"


@dataclass(frozen=True)
class AlertWindow:
    budget_percent: float  # the share of the period's budget this alert is about
    short: timedelta
    long: timedelta


@dataclass(frozen=True)
class AlertWindows:
    period: timedelta
    page_quick: AlertWindow
    page_slow: AlertWindow
    ticket_quick: AlertWindow
    ticket_slow: AlertWindow
    source: str = "Sloth's defaults"

    def factor(self, window: AlertWindow) -> float:
        """The burn rate that spends the window's budget share within its long window,
        computed in Sloth's order of operations (so the rule text is Sloth's, to the digit)."""
        hours = window.budget_percent * (self.period / timedelta(hours=1)) / 100
        return hours / (window.long / timedelta(hours=1))

    @property
    def sli_windows(self) -> list[timedelta]:
        """Every short and long window, once each, shortest first (Sloth's order)."""
        found = {
            w
            for alert in (self.page_quick, self.page_slow, self.ticket_quick, self.ticket_slow)
            for w in (alert.short, alert.long)
        }
        return sorted(found)


def _google(period_days: int) -> AlertWindows:
    h = timedelta(hours=1)
    return AlertWindows(
        period=timedelta(days=period_days),
        page_quick=AlertWindow(2, timedelta(minutes=5), h),
        page_slow=AlertWindow(5, timedelta(minutes=30), 6 * h),
        ticket_quick=AlertWindow(10, 2 * h, 24 * h),
        ticket_slow=AlertWindow(10, 6 * h, 72 * h),
    )


DEFAULT_WINDOWS: dict[timedelta, AlertWindows] = {
    timedelta(days=30): _google(30),
    timedelta(days=28): _google(28),
}


class WindowsCatalog:
    """Alert windows by period: Sloth's defaults, replaced or extended by the listed files."""

    def __init__(self, windows: dict[timedelta, AlertWindows] | None = None) -> None:
        self.windows = dict(DEFAULT_WINDOWS if windows is None else windows)

    def for_period(self, period: timedelta) -> AlertWindows | None:
        return self.windows.get(period)

    def missing(self, period: timedelta) -> str:
        text = prom_duration(period)
        known = ", ".join(prom_duration(p) for p in sorted(self.windows)) or "none"
        return (
            f"no alert windows for a {text} period (known: {known}); add a Sloth AlertWindows "
            f"file with `sloPeriod: {text}` (examples/windows/7d.yaml is one) and list it in "
            "sre-bot.yml under slos: alert_windows:"
        )


def load_catalog(paths: list[Path]) -> WindowsCatalog:
    """Sloth's defaults plus every AlertWindows file in `paths` (files or folders). Like
    Sloth, a file for 30d or 28d replaces the default; two different files for one period
    are an error."""
    found: dict[timedelta, AlertWindows] = {}
    for path in paths:
        if not path.exists():
            raise ConfigError(f"{path}: no such alert windows file or folder")
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
            if path.is_dir()
            else [path]
        )
        for file in files:
            for doc in documents(file):
                windows = read_alert_windows(doc)
                known = found.get(windows.period)
                if known is not None and _same(known, windows) is False:
                    raise ConfigError(
                        f"{file}: alert windows for {prom_duration(windows.period)} are "
                        f"already defined in {known.source}"
                    )
                found.setdefault(windows.period, windows)
    return WindowsCatalog({**DEFAULT_WINDOWS, **found})


def _same(a: AlertWindows, b: AlertWindows) -> bool:
    return (a.page_quick, a.page_slow, a.ticket_quick, a.ticket_slow) == (
        b.page_quick,
        b.page_slow,
        b.ticket_quick,
        b.ticket_slow,
    )


def read_alert_windows(doc: SpecDocument) -> AlertWindows:
    doc.mapping((), {"apiVersion", "kind", "spec"}, {"apiVersion", "kind", "spec"})
    if doc.text(("apiVersion",)) != API_VERSION or doc.text(("kind",)) != KIND:
        raise doc.fail(("kind",), f"expected apiVersion: {API_VERSION} and kind: {KIND}")
    doc.mapping(("spec",), {"sloPeriod", "page", "ticket"}, {"sloPeriod", "page", "ticket"})
    period = _duration(doc, ("spec", "sloPeriod"))

    def window(severity: str, speed: str) -> AlertWindow:
        at: tuple[Any, ...] = ("spec", severity, speed)
        fields = {"errorBudgetPercent", "shortWindow", "longWindow"}
        doc.mapping(at, fields, fields)
        percent = doc.get((*at, "errorBudgetPercent"))
        if isinstance(percent, bool) or not isinstance(percent, int | float) or percent <= 0:
            raise doc.fail((*at, "errorBudgetPercent"), "must be a number above 0 (percent)")
        short = _duration(doc, (*at, "shortWindow"))
        long = _duration(doc, (*at, "longWindow"))
        if short >= long:
            raise doc.fail((*at, "shortWindow"), "must be shorter than longWindow")
        return AlertWindow(float(percent), short, long)

    for severity in ("page", "ticket"):
        doc.mapping(("spec", severity), {"quick", "slow"}, {"quick", "slow"})
    return AlertWindows(
        period=period,
        page_quick=window("page", "quick"),
        page_slow=window("page", "slow"),
        ticket_quick=window("ticket", "quick"),
        ticket_slow=window("ticket", "slow"),
        source=str(doc.path),
    )


def _duration(doc: SpecDocument, at: tuple[Any, ...]) -> timedelta:
    try:
        return parse_duration(doc.text(at))
    except ValueError as exc:
        raise doc.fail(at, str(exc)) from None
