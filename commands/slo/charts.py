"""The error-budget burn-down chart of the daily digest, as a PNG (matplotlib, no display)."""

import io
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg")  # before pyplot: never a window, never a display

from matplotlib.figure import Figure

from commands.slo.evaluation import BudgetPoint

# matplotlib's font cache and text layout are not safe to drive from two threads at once.
_LOCK = threading.Lock()


def budget_chart(
    title: str, points: list[BudgetPoint], tz: ZoneInfo, now: datetime, window_text: str
) -> bytes:
    """Remaining budget (%) over the SLO's window: 100% at the start, today's figure at the end,
    with the 20% warning line and 0%."""
    with _LOCK:
        figure = Figure(figsize=(6.4, 3.2), dpi=100)
        axes = figure.add_subplot(1, 1, 1)
        # Times as matplotlib's day numbers (days since 1970, UTC), shown as dates in the
        # team's timezone.
        xs = [p.at.timestamp() / 86400 for p in points]
        ys = [p.remaining * 100 for p in points]
        if xs:
            colour = "#15803d" if ys[-1] > 20 else ("#b45309" if ys[-1] > 0 else "#b91c1c")
            axes.plot(xs, ys, color=colour, linewidth=2)
            axes.fill_between(xs, ys, 0, color=colour, alpha=0.12)
        axes.xaxis_date(tz)
        axes.axhline(20, color="#b45309", linestyle="--", linewidth=1)
        axes.axhline(0, color="#b91c1c", linewidth=1)
        low = min([0.0, *ys]) - 5
        axes.set_ylim(low, 105)
        axes.set_ylabel("error budget left (%)")
        axes.set_title(f"{title} ({window_text})", fontsize=10)
        axes.grid(True, alpha=0.3)
        figure.autofmt_xdate()
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})
        return out.getvalue()
