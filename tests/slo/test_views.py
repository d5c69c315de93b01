"""SLO views, without a server: figures in, text and Block Kit out."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.slack.slo import views
from commands.deploys.gate import GateDecision, Reason
from commands.slo.calendar import CalendarWindow
from commands.slo.evaluation import SloReport, SloResult, WindowNumbers
from commands.slo.specs import SliQueries, SloSpec

NOW = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
EN = Translator("en", ZoneInfo("Asia/Seoul"))
KO = Translator("ko", ZoneInfo("Asia/Seoul"))


def result(name: str, bad: float | None, total: float | None, *, coverage=1.0, kind="events"):
    sli = SliQueries(kind, error_query="e", total_query="t", gauge_query="g", op="gt", value=10)
    spec = SloSpec("artisan", name, 0.999, timedelta(days=30), sli, description="desc <b>")
    ratio = None if not total else bad / total
    since = NOW - timedelta(days=10) if coverage < 1 else NOW - timedelta(days=30)
    return SloResult(
        spec,
        NOW,
        WindowNumbers(bad, total, ratio),
        {"5m": 0.5, "1h": 2.0, "6h": None, "3d": 1.0},
        coverage,
        since,
    )


def report(*results: SloResult) -> SloReport:
    return SloReport(list(results), NOW, "http://prometheus:9090")


def test_report_lines_like_the_guide():
    lines = views.report_lines(
        report(result("api", 300, 1_000_000), result("new", 50, 100_000, coverage=0.33)), EN
    )
    text = "\n".join(lines)
    assert lines[0] == "=== SLO report (2026-01-05 09:00 KST) ==="
    assert "  Target:            99.9% over 30d" in text
    assert "  Actual:            99.970%" in text
    assert "  Error budget used: 30.0%" in text
    assert "  Error budget left: 70.0%" in text
    # 99.9% over 30 days allows 43.2 minutes of errors; 70% of that is left.
    assert "  Budget in minutes: 30.2 of 43.2 min left" in text
    assert "  Status:            HEALTHY" in text
    assert "  Total events:      1,000,000" in text and "  Failed events:     300" in text
    assert "33% of the window (data since 2025-12-26 09:00 KST)" in text
    assert lines[-1] == "All SLOs within error budget - Deployments allowed"


def test_blocked_line_names_every_exhausted_slo():
    lines = views.report_lines(
        report(result("a", 2000, 1_000_000), result("b", 10, 1000), result("c", 0, 10)), EN
    )
    assert lines[-1] == "Deployments blocked due to SLO violations: a, b"
    assert "EXHAUSTED" in "\n".join(lines)
    korean = views.report_lines(report(result("a", 2000, 1_000_000)), KO)
    assert korean[-1] == "SLO 위반으로 배포가 차단되었습니다: a"


def test_no_data_shows_dashes_never_nan():
    text = "\n".join(views.report_lines(report(result("idle", 0, 0)), EN))
    assert "NO DATA" in text and "nan" not in text.lower() and "inf" not in text.lower()


def test_report_blocks_escape_and_stay_within_slacks_limits():
    many = [result(f"slo-{n}<x>", 1, 10_000) for n in range(60)]
    message = views.report_message(report(*many), EN)
    assert len(message["blocks"]) <= 50
    assert all("<x>" not in b.get("text", {}).get("text", "") for b in message["blocks"])
    assert "&lt;x&gt;" in message["blocks"][1]["text"]["text"]
    assert message["blocks"][-1]["text"]["text"].startswith(":white_check_mark:")


def test_detail_has_burn_rates_and_advice():
    message = views.detail_message(result("api", 900, 1_000_000), EN)
    text = str(message["blocks"])
    assert "*5m* 0.50x" in text and "*6h* —" in text
    assert "Under 20% left" in text
    assert "the remaining budget lasts 1d 12h" in text  # 10% of 30 days at burn 2
    assert len(message["blocks"][2]["fields"]) <= 10


def test_threshold_slis_count_slices():
    lines = views.report_lines(report(result("rl", 50, 10080, kind="threshold")), EN)
    assert "Total events:      10,080 (1m slices)" in "\n".join(lines)


def test_digest_message_variants():
    figures = {
        "day": "2026-01-05",
        "slos": [
            {
                "slo": "api",
                "service": "s",
                "status": "warning",
                "remaining": 0.1,
                "change": -0.05,
                "objective": 0.999,
                "window": "30d",
            },
            {
                "slo": "rl",
                "service": "s",
                "status": "no_data",
                "remaining": None,
                "change": None,
                "objective": 0.99,
                "window": "7d",
            },
        ],
    }
    text = views.digest_message(figures, EN)["text"]
    assert "Daily SLO digest, 2026-01-05" in text
    assert "10.0% (-5.0pp since yesterday)" in text
    assert "no figure from yesterday" in text
    down = views.digest_message({"day": "d", "error": "timeout", "prometheus_url": "http://p"}, KO)
    assert "Prometheus(http://p)에 연결할 수 없어(timeout)" in down["text"]


def test_deploy_lines():
    blocked = GateDecision(
        "blocked",
        [
            Reason("slo_exhausted", {"slo": "a", "service": "s", "error_budget_remaining": -0.2}),
            Reason(
                "incident_open",
                {"id": "INC-1", "severity": "Sev2", "status": "investigating", "title": "Qwen"},
            ),
        ],
    )
    lines = views.deploy_lines(blocked, EN)
    assert lines == [
        "Deploys blocked:",
        "  - SLO a (s) has spent its error budget (-20.0% left)",
        "  - Sev2 incident INC-1 is open (Investigating): Qwen",
    ]
    unknown = GateDecision("unknown", prometheus_error="http://p: timeout")
    assert views.deploy_lines(unknown, EN)[0].startswith("Cannot decide")


def test_a_calendar_month_says_when_this_period_began_and_counts_the_whole_months_budget():
    plain = result("monthly", 100, 1_000_000)
    month = CalendarWindow(1, "M", datetime(2026, 1, 1), ZoneInfo("Asia/Seoul"))
    spec = replace(plain.spec, calendar=month)
    text = "\n".join(views.report_lines(report(replace(plain, spec=spec)), EN))
    # NOW is January 5th 09:00 in Seoul: the month began on the 1st; January has 31 days.
    assert "Target:            99.9% per calendar 1M (this one since 2026-01-01 00:00 KST)" in text
    assert "Budget in minutes: 40.2 of 44.6 min left" in text
    ko = "\n".join(views.report_lines(report(replace(plain, spec=spec)), KO))
    assert "달력 기준 1M마다 99.9% (이번 기간 시작: 2026-01-01 00:00 KST)" in ko
