"""Slack down, slow or refusing: commands still succeed; every message arrives once, in order."""

import json
import time
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.delivery.slack_writer import METADATA_EVENT
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from storage.models import OutboxMessage
from tests.conftest import poll_until
from tests.factories import outbox_rows


def _texts(slack, method="chat.postMessage"):
    return [c.params.get("text", "") for c in slack.ok_calls(method)]


def _delivered(ctx) -> bool:
    """Everything owed so far went out (refreshes scheduled for later are not owed yet)."""
    with ctx.db.reader() as session:
        rows = session.exec(select(OutboxMessage)).all()
    due = [r for r in rows if r.created_at <= ctx.clock.now()]
    return bool(due) and all(r.state in ("sent", "superseded") for r in due)


def _lifecycle(bot, title: str) -> str:
    response = bot.command(f"create sev2 {title}")
    assert response.status_code == 200, response.text
    incident_id = response.json()["text"].split("Incident Created: ")[1].split(" ")[0]
    for step in (f"ack {incident_id}", f"status {incident_id} investigating looking at {title}"):
        assert bot.command(step).status_code == 200
    return incident_id


def _threads(slack) -> dict[str, list[str]]:
    """Each announcement's thread: the parent's text, then its replies in order."""
    threads: dict[str, list[str]] = {}
    for message in slack.messages("incidents"):
        replies = slack.thread("incidents", message.ts)[1:]
        threads[message.text] = [reply.text for reply in replies]
    return threads


def _assert_each_thread_complete(slack, titles):
    threads = _threads(slack)
    assert len(threads) == len(titles), threads
    for title in titles:
        [replies] = [r for parent, r in threads.items() if title in parent]
        assert len(replies) == 3, replies
        assert "declared the incident" in replies[0]
        assert "acknowledged" in replies[1]
        assert f"looking at {title}" in replies[2]


def test_outage_delays_messages_and_loses_none(start_service, slack):
    bot = start_service()
    slack.outage(status=503)
    titles = [f"outage-{n}" for n in range(3)]
    for title in titles:
        _lifecycle(bot, title)
    assert len(incidents.list_incidents(bot.ctx)) == 3  # recorded despite Slack
    slack.wait_for(lambda: len(slack.calls("chat.postMessage")) >= 3)
    assert slack.ok_calls("chat.postMessage") == []
    slack.end_outage()
    poll_until(lambda: _delivered(bot.ctx))
    _assert_each_thread_complete(slack, titles)
    assert len(slack.ok_calls("chat.postMessage")) == 3 * 4  # each exactly once


def test_thread_replies_keep_their_order_through_an_outage(start_service, slack):
    bot = start_service()
    slack.outage(status=500)
    incident_id = _lifecycle(bot, "ordered")
    for n in range(5):
        bot.command(f"note {incident_id} note number {n}")
    slack.end_outage()
    poll_until(lambda: _delivered(bot.ctx))
    replies = [t for t in _texts(slack) if "note number" in t]
    assert [int(t.rsplit(" ", 1)[1]) for t in replies] == [0, 1, 2, 3, 4]


def test_rate_limit_honours_retry_after(start_service, slack):
    slack.rate_limit("chat.postMessage", retry_after=2, times=1)
    bot = start_service()
    bot.command("create sev3 rate limited")
    slack.wait_for(lambda: len(slack.ok_calls("chat.postMessage")) >= 2, timeout=10)
    limited = slack.calls("chat.postMessage")[0]
    assert limited.status == 429
    retried = slack.ok_calls("chat.postMessage")[0]
    assert retried.at - limited.at >= 1.9


def _announced(slack, title: str) -> list:
    """The incident announcements in #incidents that carry `title`."""
    return [m for m in slack.messages("incidents") if title in json.dumps(m.blocks or m.text)]


def test_timeout_after_slack_took_the_post_does_not_post_twice(start_service, slack):
    # Slack answers after the client gave up (timeout 1s): it did post. The retry finds it.
    slack.hang("chat.postMessage", seconds=1.6, times=1)
    bot = start_service()
    bot.command("create sev3 slow slack")
    poll_until(lambda: _delivered(bot.ctx))
    assert len(_announced(slack, "slow slack")) == 1
    assert slack.ok_calls("conversations.history")  # it looked before posting again


def test_a_post_slack_lands_slowly_is_not_posted_again(start_service, slack):
    """Slack takes 3.5 s to process a post; the client gives up after 1 s. A second post
    waits for the landing window, then finds the first instead of repeating it."""
    slack.hang("chat.postMessage", seconds=3.5, times=1)
    bot = start_service(landing_window=5.0)
    bot.command("create sev3 slow to land")
    poll_until(lambda: _delivered(bot.ctx), timeout=20)
    assert len(_announced(slack, "slow to land")) == 1


def test_a_failed_look_up_waits_instead_of_posting_again(start_service, slack):
    """After a timeout the look-up itself fails twice (500): nothing is posted until it
    works and finds the first post."""
    slack.hang("chat.postMessage", seconds=1.6, times=1)
    slack.fail("conversations.history", status=500, times=2)
    bot = start_service(landing_window=2.0)
    bot.command("create sev3 look-up down")
    poll_until(lambda: _delivered(bot.ctx), timeout=30)
    assert len(_announced(slack, "look-up down")) == 1
    assert len(slack.calls("conversations.history")) >= 3


def test_a_look_up_that_can_never_work_is_said_once_and_posting_goes_on(start_service, slack):
    slack.hang("chat.postMessage", seconds=1.6, times=1)
    slack.error("conversations.history", "missing_scope", times=None)
    bot = start_service(landing_window=2.0)
    bot.command("create sev3 no history scope")
    poll_until(lambda: _delivered(bot.ctx), timeout=30)
    check = bot.get("/health/ready").json()["checks"]["post_lookup"]
    assert check["warning"] is True and "missing_scope" in check["detail"]


@pytest.mark.parametrize("minutes", [5, 60])
def test_a_clock_set_back_does_not_hold_a_retry(start_service, slack, live_clock, minutes):
    """The post fails once (500) and is retried after its backoff; meanwhile the wall clock
    steps back. The retry goes out after the backoff asked for, not after the jump."""
    slack.fail("chat.postMessage", status=500, times=1)
    bot = start_service()
    bot.command("create sev3 clock stepped back")
    poll_until(lambda: any(m.last_error for m in outbox_rows(bot.ctx)))  # retry scheduled
    live_clock.start -= timedelta(minutes=minutes)
    poll_until(lambda: slack.ok_calls("chat.postMessage"), timeout=10)


def test_crash_mid_send_does_not_post_twice(start_service, slack):
    # The previous process claimed the post, Slack took it, then the process died.
    bot = start_service()
    bot.service.delivery.stop()  # a process that dies before recording the post
    incident = incidents.create_incident(
        bot.ctx, IncidentDraft(title="crashed", severity="Sev3", created_by="U1")
    )
    with bot.ctx.db.session() as session:
        row = session.exec(
            select(OutboxMessage).where(OutboxMessage.op == "post").order_by(OutboxMessage.id)
        ).first()
        row.state = "sending"
        row.claimed_by = "dead-worker"
        row.claimed_until = bot.ctx.clock.now() - timedelta(seconds=1)
        row.attempts = 1
        session.add(row)
        outbox_id = row.id
    WebClient(token="xoxb-test", base_url=slack.api_url).chat_postMessage(
        channel="incidents",
        text=f"{incident.id} announcement",
        metadata={"event_type": METADATA_EVENT, "event_payload": {"outbox_id": outbox_id}},
    )
    restarted = start_service()
    poll_until(lambda: _delivered(restarted.ctx))
    parents = [m for m in slack.messages("incidents") if incident.id in (m.text or "")]
    assert len(parents) == 1
    assert [c.params.get("thread_ts") for c in slack.ok_calls("chat.postMessage")][-1] == parents[
        0
    ].ts


def test_restart_mid_outage_loses_nothing(start_service, slack):
    first = start_service()
    slack.outage(status=503)
    _lifecycle(first, "before-restart")
    first.service.stop()
    second = start_service()
    _lifecycle(second, "after-restart")
    slack.end_outage()
    poll_until(lambda: _delivered(second.ctx))
    _assert_each_thread_complete(slack, ["before-restart", "after-restart"])
    assert len(slack.ok_calls("chat.postMessage")) == 2 * 4


def test_a_refused_channel_is_set_aside_and_does_not_block_others(start_service, slack):
    bot = start_service()
    slack.error("chat.postMessage", "channel_not_found", times=1)
    bot.command("create sev3 lost channel")
    bot.command("create sev3 fine channel")
    slack.wait_for(
        lambda: any(
            "fine channel" in json.dumps(c.params) for c in slack.ok_calls("chat.postMessage")
        )
    )

    def states():
        now = bot.ctx.clock.now()
        with bot.ctx.db.reader() as session:
            return {r.state for r in session.exec(select(OutboxMessage)) if r.created_at <= now}

    poll_until(lambda: "pending" not in states() and "sending" not in states())
    assert "dead" in states()
    assert "sre_bot_outbox_dead 2.0" in bot.get("/metrics").text  # the post and its reply


def test_not_in_channel_joins_then_posts(start_service, slack):
    bot = start_service()
    slack.error("chat.postMessage", "not_in_channel", times=1)
    bot.command("create sev3 join first")
    poll_until(lambda: _delivered(bot.ctx))
    assert slack.ok_calls("conversations.join")


def test_refused_blocks_fall_back_to_text(start_service, slack):
    bot = start_service()
    slack.error("chat.postMessage", "invalid_blocks", times=1)
    bot.command("create sev3 plain text please")
    poll_until(lambda: _delivered(bot.ctx))
    parent = next(c for c in slack.ok_calls("chat.postMessage") if not c.params.get("thread_ts"))
    assert "blocks" not in parent.params
    assert "plain text please" in parent.params["text"]


def _settled(ctx) -> bool:
    """Nothing owed so far is still waiting (sent, superseded or set aside)."""
    with ctx.db.reader() as session:
        rows = session.exec(select(OutboxMessage)).all()
    now = ctx.clock.now()
    return all(r.state in ("sent", "superseded", "dead") for r in rows if r.created_at <= now)


def _dead(ctx) -> list[OutboxMessage]:
    with ctx.db.reader() as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.state == "dead")))


def _thread_texts(slack, needle: str) -> list[str]:
    [parent] = [m for m in slack.messages("incidents") if needle in m.text]
    return [m.text for m in slack.thread("incidents", parent.ts)]


def test_an_update_refused_for_its_blocks_goes_out_as_text_and_replaces_the_old_blocks(
    start_service, slack
):
    bot = start_service()
    incident_id = _lifecycle(bot, "update refused")
    poll_until(lambda: _delivered(bot.ctx))
    slack.error("chat.update", "invalid_blocks", times=1)
    bot.command(f"resolve {incident_id}")
    poll_until(lambda: _delivered(bot.ctx))
    [parent] = slack.messages("incidents")
    shown = json.dumps(parent.blocks)
    assert "Resolved" in shown  # the current state
    assert [b["type"] for b in parent.blocks] == ["section"]  # no stale buttons
    assert "Resolved" in parent.text


def test_a_message_refused_also_as_text_is_set_aside_with_a_line_and_the_thread_goes_on(
    start_service, slack, caplog
):
    bot = start_service()
    incident_id = _lifecycle(bot, "refused twice")
    poll_until(lambda: _delivered(bot.ctx))
    slack.error("chat.postMessage", "msg_blocks_too_long", times=2)  # the note, then its text
    bot.command(f"note {incident_id} this one is refused")
    bot.command(f"note {incident_id} this one goes out")
    poll_until(lambda: _settled(bot.ctx))
    thread = _thread_texts(slack, "refused twice")
    assert not any("this one is refused" in t for t in thread)
    assert any("this one goes out" in t for t in thread)
    [line] = [t for t in thread if "could not be shown" in t]
    with bot.ctx.db.reader() as session:
        [dead] = session.exec(select(OutboxMessage).where(OutboxMessage.state == "dead")).all()
    assert f"outbox message {dead.id}" in line and "msg_blocks_too_long" in line
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(f"message {dead.id}" in m and "msg_blocks_too_long" in m for m in logged)
    ready = bot.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    listed = ready.json()["checks"]["dead_messages"]
    assert (listed["warning"], listed["count"]) == (True, 1)
    assert listed["messages"][0]["outbox_id"] == dead.id
    assert listed["messages"][0]["error"] == "chat.postMessage: msg_blocks_too_long"
    assert "sre_bot_outbox_dead 1.0" in bot.get("/metrics").text


def test_an_unknown_refusal_is_tried_a_few_times_then_set_aside(start_service, slack, database_url):
    bot = start_service(database_url=database_url)
    incident_id = _lifecycle(bot, "unknown error")
    poll_until(lambda: _delivered(bot.ctx))
    fault = slack.error("chat.postMessage", "some_error_slack_added_later", times=None)
    bot.command(f"note {incident_id} never accepted")
    poll_until(lambda: _dead(bot.ctx), timeout=30)
    slack.remove_fault(fault)
    bot.command(f"note {incident_id} after it")
    poll_until(lambda: _settled(bot.ctx), timeout=30)
    calls = slack.calls("chat.postMessage")
    refused = [c for c in calls if "never accepted" in json.dumps(c.params)]
    assert len(refused) == 5  # MAX_REFUSALS, then set aside
    thread = _thread_texts(slack, "unknown error")
    assert any("after it" in t for t in thread)
    assert any("some_error_slack_added_later" in t and "could not be shown" in t for t in thread)


def test_an_outage_is_never_given_up_on(start_service, slack):
    bot = start_service()
    with slack.outage(status=503):
        bot.command("create sev3 waits out the outage")
        poll_until(lambda: len(slack.calls("chat.postMessage")) >= 8, timeout=30)
    poll_until(lambda: _delivered(bot.ctx))
    with bot.ctx.db.reader() as session:
        assert not session.exec(select(OutboxMessage).where(OutboxMessage.state == "dead")).all()


def test_a_slow_sweep_that_found_nothing_does_not_delay_the_next_change(start_service, slack):
    """A sweep that delivered nothing but was slow (waiting on the database, say) earns no
    rest: a change committed meanwhile goes out as soon as it ends, not two sweep-lengths
    later."""
    import threading
    import time

    bot = start_service(interval=30.0, min_gap=0.01)
    delivery = bot.service.delivery
    original = delivery.run_once
    slow = threading.Event()
    ended: list[float] = []

    def run_once(*args, **kwargs):
        finished = original(*args, **kwargs)
        if slow.is_set():
            slow.clear()
            time.sleep(1.0)  # the tail of a sweep held up by the database
            ended.append(time.monotonic())
        return finished

    delivery.run_once = run_once
    slow.set()
    delivery.wake()
    poll_until(lambda: not slow.is_set(), timeout=10)  # the slow sweep is under way
    assert bot.command("create sev3 cache misses").status_code == 200
    poll_until(lambda: ended, timeout=10)
    poll_until(lambda: slack.ok_calls("chat.postMessage"), timeout=10)
    posted = time.monotonic()
    assert posted - ended[0] < 1.0, posted - ended[0]  # a rest of 2 x 1 s would be >= 2 s


def test_every_kind_of_message_has_a_renderer_and_an_unknown_one_is_gone(ctx):
    from bot.delivery.render import RENDERERS, NoticeRenderer
    from commands.notices import Gone, Template

    assert set(RENDERERS) == set(Template)
    with pytest.raises(Gone):
        NoticeRenderer(ctx).render("from.a.newer.version", {})


def test_a_sev1_announcement_does_not_wait_behind_an_alert_storm(start_service, slack):
    """Slack paces each channel: with #alerts owed a minute of posts, the incident in
    #incidents goes out at once (incident messages come first, and a channel waiting for
    its pace holds up only itself)."""
    import httpx

    from tests.alerting import alert, webhook
    from tests.conftest import ALERT_TOKEN

    bot = start_service(channel_rate=1.0, channel_burst=1.0)
    for n in range(60):
        storm = webhook([alert(f"node-{n}")], group_key=f'{{}}:{{alertname="Storm{n}"}}')
        answer = httpx.post(
            bot.url + "/alerts/alertmanager",
            json=storm,
            headers={"Authorization": f"Bearer {ALERT_TOKEN}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
    slack.wait_for(lambda: slack.messages("alerts"), timeout=10)  # the storm is going out
    declared = time.monotonic()
    assert bot.command("create sev1 Payments are down").status_code == 200
    slack.wait_for(lambda: _announced(slack, "Payments are down"), timeout=10)
    assert time.monotonic() - declared < 2.0
    assert len(slack.messages("alerts")) < 30  # the storm was still being paced


def test_each_channel_takes_its_turn(ctx, slack):
    """Heads queued channel after channel are taken one channel at a time, each channel's
    own order kept."""
    from bot.delivery.outbox import OutboxDelivery

    outbox = OutboxDelivery(ctx, WebClient(base_url=slack.api_url))
    heads = [OutboxMessage(id=n, stream=f"s{n}", op="post", channel=c, template="x",
                           next_attempt_at=ctx.clock.now(), created_at=ctx.clock.now())
             for n, c in enumerate(["#a"] * 4 + ["#b"] * 2 + ["#c"])]  # fmt: skip
    order = [(m.channel, m.id) for m in outbox._round_robin(heads)]
    assert order == [
        ("#a", 0), ("#b", 4), ("#c", 6), ("#a", 1), ("#b", 5), ("#a", 2), ("#a", 3)
    ]  # fmt: skip


def test_the_first_delivery_after_an_outage_makes_the_waiting_ones_due(ctx, slack):
    """Each message waiting out an outage has its own backoff; once one goes through, the
    rest go at once (paced), instead of each sitting out what is left of its wait."""
    from bot.delivery.outbox import OutboxDelivery

    outbox = OutboxDelivery(ctx, WebClient(base_url=slack.api_url))
    far = time.monotonic() + 60
    outbox._retry_due.update({1: far, 2: far, 3: far})
    outbox._after_outage.update({1, 2})  # 3 waits for a timeout to land: not touched
    outbox._slack_is_back()
    assert outbox._retry_due[1] <= time.monotonic() and outbox._retry_due[2] <= time.monotonic()
    assert outbox._retry_due[3] == far
    assert not outbox._after_outage
