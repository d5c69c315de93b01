"""The daily digest (claimed once per day, charts uploaded with the files API) and the
status-change posts (once per change)."""

import threading
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.delivery.render import NoticeRenderer
from bot.i18n import Translator
from commands.config import Config, PrometheusConfig, SlackConfig
from commands.context import Context
from commands.notices import Template
from commands.slo.config import DigestConfig, SlosConfig
from commands.slo.digest import due_slot, run_digest
from commands.slo.evaluation import evaluate
from commands.slo.watch import record_statuses
from storage import slo as repo
from storage.models import DigestRun, SloSnapshot
from tests import prom
from tests.conftest import ROOT, free_port, poll_until
from tests.factories import WINDOWS_7D, outbox_rows

SLOS = ROOT / "examples" / "slos"
ALL = [str(SLOS / f) for f in ("api-availability.yaml", "llm-latency.yaml", "rl-reward.yaml")]


def digest_config(url: str, files=ALL, cron: str = "* * * * *") -> Config:
    return Config(
        slack=SlackConfig(timezone="Asia/Seoul", digest_channel="#sre"),
        prometheus=PrometheusConfig(url=url, timeout_seconds=10),
        slos=SlosConfig(alert_windows=[str(WINDOWS_7D)], files=list(files)),
        digest=DigestConfig(cron=cron),
    )


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2026-01-05 08:59", None),  # yesterday's 09:00 is more than 12 hours back
        ("2026-01-05 09:00", "2026-01-05 09:00"),
        ("2026-01-05 13:30", "2026-01-05 09:00"),  # a restart at lunch still posts it
        ("2026-01-05 21:30", None),  # too late: skipped, not posted at night
    ],
)
def test_the_digest_is_due_from_its_cron_time_in_the_team_timezone(database, local, expected):
    seoul = SlackConfig(timezone="Asia/Seoul").tz
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=seoul)
    from commands.clock import FakeClock

    ctx = Context(database, digest_config("http://x", cron="0 9 * * *"), FakeClock(moment))
    slot = due_slot(ctx)
    assert (slot.strftime("%Y-%m-%d %H:%M") if slot else None) == expected
    if slot:
        assert slot.utcoffset() == timedelta(hours=9)


def test_disabled_digest_is_never_due(database, clock):
    config = digest_config("http://x").model_copy(update={"digest": DigestConfig(enabled=False)})
    assert due_slot(Context(database, config, clock)) is None


@pytest.fixture
def digest_ctx(database, prometheus, prom_clock):
    return Context(database, digest_config(prometheus.url), prom_clock)


def test_the_digest_posts_figures_change_since_yesterday_and_charts(digest_ctx):
    ctx = digest_ctx
    slot = due_slot(ctx)
    yesterday = (slot.date() - timedelta(days=1)).isoformat()
    with ctx.db.session() as session:
        repo.save_snapshot(
            session, "artisan-api/api-availability", yesterday, "healthy", 0.75, None, slot
        )
    outcome = run_digest(ctx)
    assert outcome.posted and outcome.reason == "posted"
    rows = outbox_rows(ctx)
    assert [r.op for r in rows] == ["post"] + ["upload"] * 5
    assert rows[0].channel == "#sre" and rows[0].template == Template.SLO_DIGEST
    assert {r.thread_ref for r in rows[1:]} == {rows[0].ref}
    renderer = NoticeRenderer(ctx)
    message = renderer.render(rows[0].template, rows[0].args)
    text = message["text"]
    assert "api-availability" in text and "70.0%" in text
    assert "-5.0pp since yesterday" in text  # 70% now, 75% yesterday
    assert "no figure from yesterday" in text  # the others have no snapshot
    chart = renderer.render(rows[1].template, rows[1].args)["upload"]
    assert chart["content"].startswith(b"\x89PNG\r\n\x1a\n")
    assert chart["filename"].startswith("slo-artisan-api-api-availability-")
    with ctx.db.reader() as session:
        snapshots = session.exec(
            select(SloSnapshot).where(SloSnapshot.day == slot.date().isoformat())
        )
        assert len(list(snapshots)) == 5
    # The same slot again: nothing more.
    assert run_digest(ctx).reason == "taken"
    assert len(outbox_rows(ctx)) == 6


def test_unreachable_prometheus_makes_the_digest_say_so(database, prom_clock):
    url = f"http://127.0.0.1:{free_port()}"
    ctx = Context(database, digest_config(url), prom_clock)
    outcome = run_digest(ctx)
    assert outcome.posted and outcome.reason == "unreachable"
    [row] = outbox_rows(ctx)
    text = NoticeRenderer(ctx).render(row.template, row.args)["text"]
    assert f"Prometheus at {url} could not be reached" in text
    korean = Context(
        database,
        ctx.config.model_copy(update={"slack": SlackConfig(timezone="Asia/Seoul", locale="ko")}),
        prom_clock,
    )
    assert "연결할 수 없어" in NoticeRenderer(korean).render(row.template, row.args)["text"]


def test_two_replicas_post_one_digest(any_database, prometheus, prom_clock):
    ctx = Context(any_database, digest_config(prometheus.url, files=ALL[:1]), prom_clock)
    outcomes = []
    barrier = threading.Barrier(3)

    def replica(n: int) -> None:
        barrier.wait()
        outcomes.append(run_digest(ctx, worker=f"replica-{n}"))

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(o.reason for o in outcomes) == ["posted", "taken", "taken"]
    assert [r.op for r in outbox_rows(ctx)] == ["post", "upload"]


def test_a_replica_that_died_mid_digest_is_taken_over_after_its_claim(
    database, prometheus, prom_clock
):
    seoul = SlackConfig(timezone="Asia/Seoul").tz
    slot = prom_clock.now().astimezone(seoul).replace(second=0, microsecond=0)
    config = digest_config(prometheus.url, files=ALL[:1], cron=_cron_at(slot))
    ctx = Context(database, config, prom_clock)
    key = slot.strftime("%Y-%m-%dT%H:%M%z")
    with ctx.db.session() as session:
        assert repo.claim_run(session, key, "d", "crashed", ctx.clock.now(), timedelta(minutes=10))
    assert run_digest(ctx).reason == "taken"  # its claim still holds
    prom_clock.advance(minutes=10, seconds=1)
    outcome = run_digest(ctx)  # the claim ran out; the slot is still today's: taken over
    assert outcome.posted and outcome.slot == key
    assert run_digest(ctx).reason == "taken"
    with ctx.db.reader() as session:
        run = session.get(DigestRun, key)
        assert run.state == "done" and run.claimed_by != "crashed"
    assert [r.op for r in outbox_rows(ctx)] == ["post", "upload"]


def _cron_at(slot: datetime) -> str:
    return f"{slot.minute} {slot.hour} * * *"


def test_digest_delivered_to_slack_with_chart_uploads(start_service, slack, prometheus):
    """End to end: the catch-up sweep at start posts the digest; the outbox uploads a PNG per
    SLO into its thread (files.getUploadURLExternal, the bytes, files.completeUploadExternal),
    riding out one failed completion."""
    slack.fail("files.completeUploadExternal", status=500, times=1)
    bot = start_service(config_override=digest_config(prometheus.url, files=ALL[:2]))
    channel = slack.workspace.channel("sre")
    parent = poll_until(lambda: slack.messages(channel.id), timeout=60)[0]
    assert "Daily SLO digest" in parent.text
    replies = poll_until(
        lambda: (
            [m for m in slack.thread(channel.id, parent.ts)[1:] if m.files]
            if len(slack.thread(channel.id, parent.ts)) >= 5
            else None
        ),
        timeout=60,
    )
    assert len(replies) == 4  # api-availability and the three latency SLOs
    for reply in replies:
        [file] = reply.files
        assert file["mimetype"] == "image/png"
        upload = slack.workspace.upload(file["id"])
        assert upload.content.startswith(b"\x89PNG")
    assert len(slack.ok_calls("files.completeUploadExternal")) == 4
    assert len(slack.calls("files.completeUploadExternal")) == 5
    poll_until(lambda: {r.state for r in outbox_rows(bot.ctx)} == {"sent"})
    assert len(outbox_rows(bot.ctx)) == 5


@pytest.fixture
def synth_ctx(database, prometheus, prom_clock, tmp_path):
    spec = prom.synth_spec(tmp_path / "synth.yaml")
    config = digest_config(prometheus.url, files=[str(spec)])
    return Context(database, config, prom_clock)


def test_status_changes_post_once(synth_ctx):
    ctx = synth_ctx
    report = evaluate(ctx)
    changes = record_statuses(ctx, report)
    assert {c.key: c.new for c in changes} == {
        "synth/healthy": "healthy",
        "synth/warning": "warning",
        "synth/exhausted": "exhausted",
        "synth/partial": "healthy",
        "synth/reset": "healthy",
        "synth/burning": "healthy",
    }  # idle (no_data) records nothing
    posts = outbox_rows(ctx)
    assert sorted(r.args["slo"] for r in posts) == ["exhausted", "warning"]
    assert record_statuses(ctx, report) == []  # same statuses: nothing new
    assert len(outbox_rows(ctx)) == 2
    text = NoticeRenderer(ctx).render(posts[0].template, posts[0].args)["text"]
    assert "warning" in text or "spent its error budget" in text

    # The healthy one was in warning before: it recovers, and says so once, even if two
    # evaluations race for it.
    with ctx.db.session() as session:
        assert repo.move_state(session, "synth/healthy", "healthy", "warning", 0.1, ctx.clock.now())
    results = []
    barrier = threading.Barrier(2)

    def evaluation() -> None:
        barrier.wait()
        results.append(record_statuses(ctx, report))

    threads = [threading.Thread(target=evaluation) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(len(r) for r in results) == [0, 1]
    recovered = outbox_rows(ctx)[-1]
    assert recovered.args["slo"] == "healthy" and recovered.args["from"] == "warning"
    text = NoticeRenderer(ctx).render(recovered.template, recovered.args)["text"]
    assert "recovered" in text and "80.0%" in text
    assert len(outbox_rows(ctx)) == 3


def test_status_change_text_in_korean():
    from bot.slack.slo.views import status_change_message

    args = {"slo": "api", "service": "s", "to": "exhausted", "remaining": -0.1, "window": "30d"}
    message = status_change_message(args, Translator("ko"))
    assert "소진" in message["text"] and "-10.0%" in message["text"]


def test_an_upload_that_timed_out_after_slack_took_it_is_not_shared_twice(
    start_service, slack, prometheus
):
    """files.completeUploadExternal answers after the client gave up (Slack did share the
    file): the retry finds the file in the thread by its name instead of uploading again."""
    slack.hang("files.completeUploadExternal", seconds=1.5, times=1)
    bot = start_service(config_override=digest_config(prometheus.url, files=ALL[:1]))
    channel = slack.workspace.channel("sre")
    parent = poll_until(lambda: slack.messages(channel.id), timeout=60)[0]
    # Once the outbox is done with the upload, nothing more can be sent for it.
    poll_until(lambda: [r.state for r in outbox_rows(bot.ctx)] == ["sent", "sent"], timeout=60)
    assert slack.calls("conversations.replies")  # it looked before uploading again
    shared = [m for m in slack.thread(channel.id, parent.ts)[1:] if m.files]
    assert len(shared) == 1
    assert len(slack.calls("files.getUploadURLExternal")) == 1


def test_an_upload_whose_look_up_fails_waits_instead_of_sharing_twice(
    start_service, slack, prometheus
):
    """As for posts: after the upload timed out, the look-up for it fails twice (500);
    nothing is uploaded again until a look-up works and finds the file."""
    slack.hang("files.completeUploadExternal", seconds=1.5, times=1)
    slack.fail("conversations.replies", status=500, times=2)
    bot = start_service(config_override=digest_config(prometheus.url, files=ALL[:1]))
    channel = slack.workspace.channel("sre")
    parent = poll_until(lambda: slack.messages(channel.id), timeout=60)[0]
    poll_until(lambda: [r.state for r in outbox_rows(bot.ctx)] == ["sent", "sent"], timeout=60)
    assert len(slack.calls("conversations.replies")) >= 3
    assert len([m for m in slack.thread(channel.id, parent.ts)[1:] if m.files]) == 1
    assert len(slack.calls("files.getUploadURLExternal")) == 1


def _many_slos(path, count: int) -> str:
    """`count` SLOs with long names, on a service with a long name (no data: no charts)."""
    service = "artisan-checkout-payment-authorization-gateway-" + "x" * 60
    lines = ['version: "prometheus/v1"', f'service: "{service}"', "slos:"]
    for i in range(count):
        lines += [
            f'  - name: "latency-p99-within-budget-for-region-{i:02d}-' + "y" * 80 + '"',
            "    objective: 99.9",
            "    sli:",
            "      events:",
            "        error_query: sum(rate(absent_errors_total[{{.window}}]))",
            "        total_query: sum(rate(absent_requests_total[{{.window}}]))",
        ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_digest_of_many_slos_is_split_into_a_summary_and_parts_in_its_thread(
    start_service, slack, prometheus, tmp_path
):
    """45 SLOs with long names do not fit one message (Slack refuses the blocks over 12,000
    characters): the summary is posted, and every SLO follows in three parts in its thread."""
    spec = _many_slos(tmp_path / "many.yaml", 45)
    bot = start_service(config_override=digest_config(prometheus.url, files=[spec]))
    channel = slack.workspace.channel("sre")
    parent = poll_until(lambda: slack.messages(channel.id), timeout=60)[0]
    assert "45 SLOs" in parent.text
    thread = poll_until(
        lambda: (
            slack.thread(channel.id, parent.ts)[1:]
            if len(slack.thread(channel.id, parent.ts)) >= 4
            else None
        ),
        timeout=60,
    )
    assert [m.text.split("\n")[0].rsplit("· ", 1)[-1] for m in thread] == [
        "part 1 of 3",
        "part 2 of 3",
        "part 3 of 3",
    ]
    listed = "\n".join(m.text for m in thread)
    for i in range(45):
        assert f"region-{i:02d}-" in listed
    poll_until(lambda: {r.state for r in outbox_rows(bot.ctx)} == {"sent"})
    posts = slack.calls("chat.postMessage")
    assert len(posts) == 4 and all(c.ok for c in posts)  # none refused, none sent twice
