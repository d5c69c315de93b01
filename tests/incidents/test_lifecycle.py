import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from commands.clock import FakeClock
from commands.config import Config, SlackConfig
from commands.context import Context
from commands.errors import CommandError, Conflict, NotFound
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.notices import Template
from storage.models import Incident, TimelineEntry
from tests.factories import outbox_rows


def _timeline(ctx, incident_id):
    return incidents.get_timeline(ctx, incident_id)[1]


def _id_at(ctx) -> str:
    """The ID an incident declared now gets: the date and time in the team's timezone."""
    return ctx.clock.now().astimezone(ctx.config.slack.tz).strftime("INC-%Y%m%d-%H%M%S")


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Asia/Seoul", "INC-20270101-085959"), ("UTC", "INC-20261231-235959")],
)
def test_the_id_is_the_team_time_of_declaration(database, zone, expected):
    at = FakeClock(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC))
    config = Config(slack=SlackConfig(timezone=zone))
    created = incidents.create_incident(
        Context(database, config, at),
        IncidentDraft(title="New Year's Eve", severity="Sev2", created_by="U1"),
    )
    assert created.id == expected


def test_create_names_the_incident_in_team_time_and_owes_an_announcement(ctx):
    incident = incidents.create_incident(
        ctx,
        IncidentDraft(
            title="Qwen LLM failure",
            severity="sev2",
            created_by="U0ALICE",
            components=["qwen", "llm-gateway, qwen"],
        ),
    )
    assert incident.id == _id_at(ctx)
    assert incident.severity == "Sev2"
    assert incident.status == "detected"
    assert incident.components == ["qwen", "llm-gateway"]
    owed = outbox_rows(ctx)
    assert [(m.op, m.template, m.stream) for m in owed] == [
        ("post", Template.INCIDENT_ANNOUNCEMENT, f"incident:{incident.id}"),
        ("reply", Template.INCIDENT_TIMELINE, f"incident:{incident.id}"),
        # the announcement is refreshed at the 30-minute deadline, on a stream of its own
        ("update", Template.INCIDENT_ANNOUNCEMENT, f"incident:{incident.id}:deadline"),
    ]
    assert owed[0].channel == "#incidents"
    assert (owed[2].next_attempt_at - incident.created_at).total_seconds() == 30 * 60


def test_unknown_severity_lists_the_valid_ones_and_creates_nothing(ctx):
    with pytest.raises(CommandError) as raised:
        incidents.create_incident(
            ctx, IncidentDraft(title="x", severity="critical", created_by="U1")
        )
    assert raised.value.key == "error.unknown_severity"
    assert raised.value.params["valid"] == "Sev1, Sev2, Sev3, Sev4"
    assert incidents.list_incidents(ctx) == []
    assert outbox_rows(ctx) == []


def test_blank_title_is_refused(ctx):
    with pytest.raises(CommandError) as raised:
        incidents.create_incident(
            ctx, IncidentDraft(title="  \x00 ", severity="Sev3", created_by="U1")
        )
    assert raised.value.key == "error.title_required"


def test_same_second_ids_get_a_suffix(ctx):
    ids = [
        incidents.create_incident(
            ctx, IncidentDraft(title=f"t{i}", severity="Sev4", created_by="U1")
        ).id
        for i in range(3)
    ]
    base = _id_at(ctx)
    assert ids == [base, f"{base}-2", f"{base}-3"]


@pytest.fixture
def shared_ctx(any_database, config, clock):
    """A context on SQLite or PostgreSQL, for the tests where concurrency is the point."""
    return Context(any_database, config, clock)


def test_thirty_concurrent_creates_give_thirty_unique_ids(shared_ctx):
    ctx = shared_ctx
    barrier = threading.Barrier(30)

    def create(n: int) -> str:
        barrier.wait()
        return incidents.create_incident(
            ctx, IncidentDraft(title=f"incident {n}", severity="Sev3", created_by=f"U{n:04d}")
        ).id

    with ThreadPoolExecutor(30) as pool:
        ids = list(pool.map(create, range(30)))
    assert len(set(ids)) == 30
    assert len(incidents.list_incidents(ctx, limit=None)) == 30


def test_eight_concurrent_acks_record_one(shared_ctx):
    ctx = shared_ctx
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U1")
    )
    barrier = threading.Barrier(8)

    def ack(n: int) -> incidents.AckResult:
        barrier.wait()
        return incidents.acknowledge(ctx, incident.id, f"U00RESP{n}")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(ack, range(8)))
    winners = [r for r in results if r.acknowledged]
    assert len(winners) == 1
    winner = winners[0].incident.acknowledged_by
    assert all(r.incident.acknowledged_by == winner for r in results)
    kinds = [e.kind for e in _timeline(ctx, incident.id)]
    assert kinds.count("acknowledged") == 1
    assert incidents.get_incident(ctx, incident.id).status == "acknowledged"


def test_full_lifecycle_records_every_change_with_who_and_when(ctx, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="Qwen down", severity="Sev2", created_by="U1")
    )
    clock.advance(minutes=7)
    incidents.acknowledge(ctx, incident.id, "U2")
    clock.advance(minutes=1)
    incidents.set_status(ctx, incident.id, "investigating", actor="U2", note="Checking Qwen health")
    incidents.set_severity(ctx, incident.id, "sev1", actor="U2")
    clock.advance(minutes=10)
    incidents.set_status(ctx, incident.id, "mitigated", actor="U2", note="Downshifted to balanced")
    incidents.set_root_cause(ctx, incident.id, "GPU OOM after model update", actor="U2")
    clock.advance(minutes=30)
    incidents.resolve(ctx, incident.id, actor="U2", resolution="Rolled back the model")
    closed = incidents.close(ctx, incident.id, actor="U3")
    assert closed.status == "closed"
    assert closed.postmortem_required  # Sev1 at close
    entries = _timeline(ctx, incident.id)
    assert [e.kind for e in entries] == [
        "created",
        "acknowledged",
        "status",
        "severity",
        "status",
        "root_cause",
        "status",
        "resolution",
        "closed",
    ]
    assert entries[2].data == {
        "from": "acknowledged",
        "to": "investigating",
        "note": "Checking Qwen health",
    }
    assert entries[1].actor == "U2"
    assert (entries[1].at - entries[0].at).total_seconds() == 7 * 60
    templates = [m.template for m in outbox_rows(ctx)]
    assert templates.count(Template.INCIDENT_POSTMORTEM_DRAFT) == 1
    with pytest.raises(Conflict):
        incidents.set_status(ctx, incident.id, "investigating", actor="U2")
    recorded = incidents.record_postmortem(
        ctx, incident.id, "https://docs.example/pm/1", actor="U2"
    )
    assert recorded.postmortem_url == "https://docs.example/pm/1"


def test_working_on_an_unacknowledged_incident_acknowledges_it(ctx, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev3", created_by="U1")
    )
    clock.advance(minutes=3)
    updated = incidents.set_status(ctx, incident.id, "investigating", actor="U9")
    assert updated.acknowledged_by == "U9"
    assert (updated.acknowledged_at - updated.created_at).total_seconds() == 180
    assert _timeline(ctx, incident.id)[-1].data["acknowledged"] is True
    assert not incidents.acknowledge(ctx, incident.id, "U8").acknowledged


@pytest.mark.parametrize(
    ("steps", "target", "key"),
    [
        ([], "closed", "error.close_needs_resolved"),
        (["resolved"], "mitigated", "error.bad_transition"),
        (["investigating"], "investigating", "error.status_unchanged"),
        ([], "acknowledged", "error.use_ack"),
        ([], "paused", "error.unknown_status"),
    ],
)
def test_transitions_that_make_no_sense_are_refused(ctx, steps, target, key):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev3", created_by="U1")
    )
    for step in steps:
        incidents.set_status(ctx, incident.id, step, actor="U1")
    before = len(_timeline(ctx, incident.id))
    with pytest.raises(CommandError) as raised:
        incidents.set_status(ctx, incident.id, target, actor="U1")
    assert raised.value.key == key
    assert len(_timeline(ctx, incident.id)) == before


def test_resolved_incident_can_be_reopened(ctx):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev3", created_by="U1")
    )
    incidents.resolve(ctx, incident.id, actor="U1")
    reopened = incidents.set_status(ctx, incident.id, "investigating", actor="U1")
    assert reopened.resolved_at is None
    assert _timeline(ctx, incident.id)[-1].data["reopened"] is True


def test_unknown_incident(ctx):
    with pytest.raises(NotFound) as raised:
        incidents.acknowledge(ctx, "INC-19990101-000000", "U1")
    assert raised.value.params["id"] == "INC-19990101-000000"


def test_ids_are_matched_case_insensitively(ctx):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev3", created_by="U1")
    )
    assert incidents.acknowledge(ctx, incident.id.lower(), "U2").acknowledged


def test_korean_text_round_trips(ctx):
    title = "Qwen LLM 장애 — 크리에이티브 모드 응답 없음"
    note = "Qwen 헬스 체크 엔드포인트 확인 중 🔍"
    incident = incidents.create_incident(
        ctx, IncidentDraft(title=title, severity="Sev2", created_by="김철수")
    )
    incidents.set_status(ctx, incident.id, "investigating", actor="김철수", note=note)
    stored = incidents.get_incident(ctx, incident.id)
    assert stored.title == title
    assert _timeline(ctx, incident.id)[-1].data["note"] == note
    assert stored.acknowledged_by == "김철수"


def test_very_long_title_is_kept_within_bounds(ctx):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="가" * 5000, severity="Sev4", created_by="U1")
    )
    assert len(incident.title) == incidents.TITLE_MAX


def test_postmortem_needs_a_link(ctx):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev1", created_by="U1")
    )
    for bad in ("not a url", "ftp://x/y", "javascript:alert(1)"):
        with pytest.raises(CommandError) as raised:
            incidents.record_postmortem(ctx, incident.id, bad, actor="U1")
        assert raised.value.key == "error.bad_url"
    ok = incidents.record_postmortem(ctx, incident.id, "<https://wiki/pm>", actor="U1")
    assert ok.postmortem_url == "https://wiki/pm"


def test_sev3_close_owes_no_postmortem(ctx):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="cache miss storm", severity="Sev3", created_by="U1")
    )
    incidents.resolve(ctx, incident.id, actor="U1")
    assert not incidents.close(ctx, incident.id, actor="U1").postmortem_required
    templates = [m.template for m in outbox_rows(ctx)]
    assert Template.INCIDENT_POSTMORTEM_DRAFT not in templates


def test_unacknowledged_by_channel(ctx):
    first = incidents.create_incident(
        ctx, IncidentDraft(title="a", severity="Sev3", created_by="U1")
    )
    incidents.create_incident(ctx, IncidentDraft(title="b", severity="Sev3", created_by="U1"))
    incidents.acknowledge(ctx, first.id, "U2")
    assert [i.title for i in incidents.unacknowledged(ctx, channel="#incidents")] == ["b"]
    assert incidents.unacknowledged(ctx, channel="C0OTHER") == []


def test_a_failed_change_writes_nothing(ctx):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev3", created_by="U1")
    )
    before = len(outbox_rows(ctx))
    with pytest.raises(CommandError):
        incidents.set_severity(ctx, incident.id, "Sev3", actor="U1")
    assert len(outbox_rows(ctx)) == before
    with ctx.db.reader() as session:
        assert len(list(session.exec(select(TimelineEntry)))) == 1
        assert session.get(Incident, incident.id).severity == "Sev3"
