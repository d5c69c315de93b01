"""Several `serve` replicas on one PostgreSQL database: nothing lost, nothing twice."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from commands.incidents import lifecycle as incidents
from storage.models import OutboxMessage
from tests.conftest import command_body, poll_until


def _all_delivered(ctx) -> bool:
    """Everything owed so far went out (refreshes scheduled for later are not owed yet)."""
    with ctx.db.reader() as session:
        rows = session.exec(select(OutboxMessage)).all()
    due = [r for r in rows if r.created_at <= ctx.clock.now()]
    return bool(due) and all(r.state in ("sent", "superseded") for r in due)


def _created_id(response) -> str:
    return response.json()["text"].split("Incident Created: ")[1].split(" ")[0]


def test_two_replicas_deliver_every_message_once(start_service, slack, postgres_cluster):
    url = postgres_cluster.new_database()
    replicas = [start_service(database_url=url), start_service(database_url=url)]
    ids = []
    for n in range(6):
        bot = replicas[n % 2]
        incident_id = _created_id(bot.command(f"create sev2 replica incident {n}"))
        replicas[(n + 1) % 2].command(f"ack {incident_id}")
        ids.append(incident_id)
    poll_until(lambda: _all_delivered(replicas[0].ctx))
    parents = slack.messages("incidents")
    assert sorted(m.text.split(" ")[0] for m in parents) == sorted(ids)
    for parent in parents:
        replies = [m.text for m in slack.thread("incidents", parent.ts)[1:]]
        assert len(replies) == 2, replies  # declared, acknowledged: once each
        assert "declared" in replies[0] and "acknowledged" in replies[1]
    posts = slack.ok_calls("chat.postMessage")
    assert len(posts) == 6 * 3


def test_acknowledge_pressed_on_both_replicas_records_one(start_service, slack, postgres_cluster):
    url = postgres_cluster.new_database()
    replicas = [start_service(database_url=url), start_service(database_url=url)]
    incident_id = _created_id(replicas[0].command("create sev1 API down"))
    barrier = threading.Barrier(8)

    def press(n: int):
        barrier.wait()
        return replicas[n % 2].command(f"ack {incident_id}", user=f"U0PERSON{n}")

    with ThreadPoolExecutor(8) as pool:
        answers = [r.json()["text"] for r in pool.map(press, range(8))]
    assert sum(a.startswith("You acknowledged") for a in answers) == 1
    assert sum("already acknowledged by" in a for a in answers) == 7
    timeline = incidents.get_timeline(replicas[1].ctx, incident_id)[1]
    assert [e.kind for e in timeline].count("acknowledged") == 1


def test_delivery_moves_to_another_replica_when_one_stops(start_service, slack, postgres_cluster):
    url = postgres_cluster.new_database()
    first = start_service(database_url=url)
    second = start_service(database_url=url)
    first.command("create sev3 before the stop")
    poll_until(lambda: _all_delivered(first.ctx))
    first.service.stop()  # whichever replica held the lease, one is left
    second.command("create sev3 after the stop")
    poll_until(lambda: _all_delivered(second.ctx), timeout=15)
    texts = [m.text for m in slack.messages("incidents")]
    assert any("before the stop" in t for t in texts) and any("after the stop" in t for t in texts)
    assert len(texts) == 2


def test_a_dead_replicas_lease_is_taken_over_when_it_expires(start_service, slack, tmp_path):
    from datetime import timedelta

    from bot.delivery.outbox import LEASE_NAME
    from storage.models import Lease

    bot = start_service()
    now = bot.ctx.clock.now()
    with bot.ctx.db.session() as session:  # a replica that was killed mid-lease
        lease = session.get(Lease, LEASE_NAME) or Lease(name=LEASE_NAME, holder="", expires_at=now)
        lease.holder = "killed-replica"
        lease.expires_at = now + timedelta(seconds=1.5)
        session.add(lease)
    bot.service.delivery._lease_until = None  # forget our own (now stolen) lease
    bot.command("create sev3 waits for the lease")
    assert slack.messages("incidents") == []
    poll_until(lambda: slack.messages("incidents"), timeout=10)
    with bot.ctx.db.reader() as session:
        assert session.get(Lease, LEASE_NAME).holder == bot.service.delivery.worker_id


def test_database_down_gets_a_clear_answer_and_readiness_says_so(
    start_service, slack, postgres_cluster
):
    import psycopg

    url = postgres_cluster.new_database()
    name = url.rsplit("/", 1)[1]
    bot = start_service(database_url=url)
    assert bot.command("create sev3 before the outage").status_code == 200

    def admin(sql: str) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=postgres_cluster.port, user="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    try:
        answer = bot.command("create sev2 during the outage").json()
        assert answer["response_type"] == "ephemeral"
        assert answer["text"] == (
            "The database cannot be reached right now; nothing was changed. Try again shortly."
        )
        ready = bot.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"]["ok"] is False
        assert bot.get("/health/live").status_code == 200
        metrics = bot.get("/metrics")
        assert metrics.status_code == 200
        assert "sre_bot_database_up 0.0" in metrics.text
        assert "sre_bot_slack_api_calls_total" in metrics.text
    finally:
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    answer = bot.command("create sev2 after the outage").json()
    assert answer["text"].startswith("Incident Created: INC-")
    titles = [i.title for i in incidents.list_incidents(bot.ctx)]
    assert sorted(titles) == ["after the outage", "before the outage"]
    # Outbox delivery came back by itself too.
    slack.wait_for(lambda: any("after the outage" in m.text for m in slack.messages("incidents")))


def test_a_request_replayed_to_every_replica_acts_once(start_service, slack, postgres_cluster):
    """The signatures seen are in the database, so a replay sent to another replica (at the
    same moment, even) is known there too."""
    url = postgres_cluster.new_database()
    replicas = [start_service(database_url=url), start_service(database_url=url)]
    body = command_body("create sev2 replayed across replicas")
    headers = replicas[0].sign(body)
    barrier = threading.Barrier(6)

    def send(n: int):
        barrier.wait()
        return replicas[n % 2].post(body, headers=headers)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert all(a.status_code == 200 for a in answers)
    assert sum(a.content.startswith(b'{"') for a in answers) == 1
    assert len(incidents.list_incidents(replicas[0].ctx)) == 1
