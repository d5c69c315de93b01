"""Ack reminders with escalation, update and postmortem reminders, and the weekly handoff:
derived from database state, claimed atomically, sent once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.delivery.render import NoticeRenderer
from commands.alerts import actions, groups, ingest
from commands.clock import FakeClock
from commands.config import Config, SlackConfig
from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.notices import Moot, Template
from commands.oncall import handoff, overrides, reminders
from commands.oncall import schedule as oncall
from commands.oncall.config import OnCallConfig
from commands.oncall.overrides import Changer
from storage.db import Database
from storage.models import OutboxMessage
from tests.factories import outbox_rows, seoul

MEMBERS = ["U0KIM", "U0PARK", "U0LEE"]


@pytest.fixture
def config() -> Config:
    return Config(
        slack=SlackConfig(incident_channel="#incidents", timezone="Asia/Seoul"),
        oncall=OnCallConfig(members=MEMBERS, start="2026-01-02"),
    )


def ack_steps(ctx) -> list[tuple[str, str | None]]:
    return [
        (m.args["notify"], m.args["user"]) for m in outbox_rows(ctx, Template.ONCALL_ACK_REMINDER)
    ]


def step_now(ctx, notify: str) -> tuple[str, str | None]:
    """The reminder step due now, as it should read: whoever holds that role at this moment
    (a reminder sent after the handoff goes to the new shift)."""
    on = oncall.who_is_on_call(ctx)
    return notify, {"primary": on.primary, "secondary": on.secondary}.get(notify)


def test_sev1_unacknowledged_for_16_minutes_gets_one_reminder_then_one_escalation(ctx, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U9")
    )
    clock.advance(minutes=14, seconds=59)
    assert reminders.sweep(ctx).total == 0
    clock.advance(minutes=1, seconds=1)  # 16 minutes
    assert reminders.sweep(ctx).ack == 1
    assert reminders.sweep(ctx).ack == 0
    [reminder] = outbox_rows(ctx, prefix="oncall.")
    assert (reminder.op, reminder.thread_ref) == ("reply", f"incident:{incident.id}")
    expected = [step_now(ctx, "primary")]
    assert ack_steps(ctx) == expected
    clock.advance(minutes=8)  # 24 minutes: not yet
    assert reminders.sweep(ctx).total == 0
    clock.advance(minutes=1)  # 25: the target plus 10
    assert reminders.sweep(ctx).ack == 1
    assert reminders.sweep(ctx).ack == 0
    expected.append(step_now(ctx, "secondary"))
    assert ack_steps(ctx) == expected
    assert all(person in MEMBERS for _, person in expected)
    clock.advance(minutes=10)  # 35: the channel
    assert reminders.sweep(ctx).ack == 1
    clock.advance(hours=5)
    assert reminders.sweep(ctx).ack == 0
    assert [s[0] for s in ack_steps(ctx)] == ["primary", "secondary", "channel"]


def test_acknowledging_stops_every_reminder_even_one_already_owed(ctx, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U9")
    )
    clock.advance(minutes=16)
    reminders.sweep(ctx)
    [pending] = outbox_rows(ctx, prefix="oncall.")
    incidents.acknowledge(ctx, incident.id, "U0KIM")
    # The reminder owed before the ack is dropped when its turn to be delivered comes.
    with pytest.raises(Moot):
        NoticeRenderer(ctx).render(pending.template, pending.args)
    for _ in range(6):
        clock.advance(minutes=10)
        assert reminders.sweep_ack(ctx) == 0
    assert len(ack_steps(ctx)) == 1


def test_resolving_without_an_ack_also_stops_them(ctx, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="blip", severity="Sev3", created_by="U9")
    )
    incidents.resolve(ctx, incident.id, actor="U0PARK")
    clock.advance(hours=3)
    assert reminders.sweep_ack(ctx) == 0


def test_a_restart_in_between_duplicates_nothing(tmp_path, config, clock):
    url = f"sqlite:///{tmp_path / 'sre-bot.db'}"
    from storage.migrate import upgrade

    first = Database(url)
    upgrade(first)
    ctx = Context(first, config, clock)
    incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U9")
    )
    clock.advance(minutes=16)
    assert reminders.sweep(ctx).ack == 1
    first.dispose()

    second = Database(url)  # a new process on the same database
    again = Context(second, config, FakeClock(clock.now()))
    assert reminders.sweep(again).ack == 0
    again.clock.advance(minutes=9)  # 25 minutes: the escalation, once
    assert reminders.sweep(again).ack == 1
    assert reminders.sweep(again).ack == 0
    assert [s[0] for s in ack_steps(again)] == ["primary", "secondary"]
    second.dispose()


def test_concurrent_sweeps_send_each_reminder_once(any_database, config, clock):
    ctx = Context(any_database, config, clock)
    for n in range(3):
        incidents.create_incident(
            ctx, IncidentDraft(title=f"down {n}", severity="Sev1", created_by="U9")
        )
    clock.advance(minutes=16)
    barrier = threading.Barrier(6)

    def sweep(_: int) -> int:
        # Each thread is a replica of its own: its own engine on the same database.
        db = Database(any_database.url)
        try:
            barrier.wait()
            return reminders.sweep(Context(db, config, clock)).ack
        finally:
            db.dispose()

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(sweep, range(6)))
    assert sum(results) == 3
    assert len(ack_steps(ctx)) == 3


def test_a_bot_down_across_several_steps_sends_one_catch_up(ctx, clock):
    incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U9")
    )
    clock.advance(hours=2)  # every step is long overdue
    assert reminders.sweep(ctx).ack == 1
    assert [s[0] for s in ack_steps(ctx)] == ["channel"]  # the latest due, not a burst
    clock.advance(hours=2)
    assert reminders.sweep(ctx).ack == 0


def test_the_reminder_text_tags_the_person_and_says_how_late(ctx, clock):
    incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U9")
    )
    clock.advance(minutes=16)
    reminders.sweep(ctx)
    _, primary = step_now(ctx, "primary")
    clock.advance(minutes=9)
    reminders.sweep(ctx)
    _, secondary = step_now(ctx, "secondary")
    clock.advance(minutes=10)
    reminders.sweep(ctx)
    renderer = NoticeRenderer(ctx)
    texts = [renderer.render(m.template, m.args) for m in outbox_rows(ctx, prefix="oncall.")]
    assert f"<@{primary}>" in texts[0]["text"] and "35m" in texts[0]["text"]
    assert f"<@{secondary}>" in texts[1]["text"] and "secondary" in texts[1]["text"]
    assert "<!here>" in texts[2]["text"] and texts[2]["reply_broadcast"] is True


def test_escalation_steps_are_configurable(ctx, clock):
    custom = ctx.config.model_copy(
        update={
            "oncall": OnCallConfig(
                members=MEMBERS,
                start="2026-01-02",
                escalation=[{"after_minutes": 5, "notify": "secondary"}],
            )
        }
    )
    ctx = Context(ctx.db, custom, clock)
    incidents.create_incident(ctx, IncidentDraft(title="slow", severity="Sev3", created_by="U9"))
    clock.advance(minutes=64)
    assert reminders.sweep_ack(ctx) == 0
    clock.advance(minutes=1)
    assert reminders.sweep_ack(ctx) == 1
    assert ack_steps(ctx) == [step_now(ctx, "secondary")]


def test_update_reminder_repeats_while_an_open_sev2_is_silent(ctx, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="Qwen down", severity="Sev2", created_by="U9")
    )
    incidents.acknowledge(ctx, incident.id, "U0PARK")
    clock.advance(minutes=29)
    assert reminders.sweep_updates(ctx) == 0
    clock.advance(minutes=1)
    assert reminders.sweep_updates(ctx) == 1
    assert reminders.sweep_updates(ctx) == 0
    [message] = outbox_rows(ctx, Template.ONCALL_UPDATE_REMINDER)
    assert message.args["user"] == "U0PARK"  # the responder
    clock.advance(minutes=29)
    assert reminders.sweep_updates(ctx) == 0
    clock.advance(minutes=1)
    assert reminders.sweep_updates(ctx) == 1  # still silent: again
    incidents.add_note(ctx, incident.id, "Restarting Qwen", actor="U0PARK")
    second = outbox_rows(ctx, Template.ONCALL_UPDATE_REMINDER)[-1]
    with pytest.raises(Moot):  # an update came before the reminder went out
        NoticeRenderer(ctx).render(second.template, second.args)
    clock.advance(minutes=29)
    assert reminders.sweep_updates(ctx) == 0
    clock.advance(minutes=1)
    assert reminders.sweep_updates(ctx) == 1
    # Sev3 and resolved incidents get none.
    low = incidents.create_incident(
        ctx, IncidentDraft(title="cache", severity="Sev3", created_by="U9")
    )
    incidents.acknowledge(ctx, low.id, "U0PARK")
    incidents.resolve(ctx, incident.id, actor="U0PARK")
    clock.advance(hours=3)
    assert reminders.sweep_updates(ctx) == 0


def test_postmortem_reminders_until_the_url_is_recorded(ctx, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="DB down", severity="Sev1", created_by="U9")
    )
    incidents.acknowledge(ctx, incident.id, "U0LEE")
    incidents.resolve(ctx, incident.id, actor="U0LEE")
    incidents.close(ctx, incident.id, actor="U0LEE")
    clock.advance(hours=23)
    assert reminders.sweep_postmortems(ctx) == 0
    clock.advance(hours=1)
    assert reminders.sweep_postmortems(ctx) == 1
    assert reminders.sweep_postmortems(ctx) == 0
    clock.advance(hours=24)
    assert reminders.sweep_postmortems(ctx) == 1
    message = outbox_rows(ctx, Template.ONCALL_POSTMORTEM_REMINDER)[-1]
    text = NoticeRenderer(ctx).render(message.template, message.args)["text"]
    assert "<@U0LEE>" in text and f"/incident postmortem {incident.id}" in text
    incidents.record_postmortem(ctx, incident.id, "https://wiki/pm/1", actor="U0LEE")
    clock.advance(days=5)
    assert reminders.sweep_postmortems(ctx) == 0


# --- handoff -------------------------------------------------------------------------------


def handoffs(ctx) -> list[OutboxMessage]:
    return outbox_rows(ctx, Template.ONCALL_HANDOFF)


def test_friday_17_seoul_handoff_fires_once(ctx, clock):
    clock.set(seoul(2026, 1, 2, 17, 0))  # the first handoff of a new installation
    assert handoff.post_due_handoff(ctx) is True
    clock.set(seoul(2026, 1, 9, 16, 59))
    assert handoff.post_due_handoff(ctx) is False
    assert len(handoffs(ctx)) == 1
    clock.set(seoul(2026, 1, 9, 17, 0))
    assert handoff.post_due_handoff(ctx) is True
    assert handoff.post_due_handoff(ctx) is False  # the sweep run twice
    clock.advance(seconds=30)
    assert handoff.post_due_handoff(ctx) is False
    posts = handoffs(ctx)
    assert len(posts) == 2
    assert (posts[1].op, posts[1].channel) == ("post", "#sre")
    assert posts[1].args == {"handoff_at": "2026-01-09T08:00:00Z", "late": False}


def test_concurrent_handoff_sweeps_post_once(any_database, config):
    clock = FakeClock(seoul(2026, 1, 9, 17, 0, 5))
    barrier = threading.Barrier(5)

    def sweep(_: int) -> bool:
        db = Database(any_database.url)
        try:
            barrier.wait()
            return handoff.post_due_handoff(Context(db, config, clock))
        finally:
            db.dispose()

    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(sweep, range(5)))
    assert results.count(True) == 1
    assert len(handoffs(Context(any_database, config, clock))) == 1


def test_a_new_installation_does_not_post_a_stale_handoff(ctx, clock):
    clock.set(seoul(2026, 1, 5, 10, 30))
    assert handoff.post_due_handoff(ctx) is False  # Monday: last Friday's is stale
    assert handoffs(ctx) == []


def test_a_new_installation_started_just_after_the_handoff_posts_it(ctx, clock):
    clock.set(seoul(2026, 1, 9, 17, 4))  # within five minutes: on time, not late
    assert handoff.post_due_handoff(ctx) is True
    assert [m.args for m in handoffs(ctx)] == [
        {"handoff_at": "2026-01-09T08:00:00Z", "late": False}
    ]


def test_missed_handoffs_after_downtime_post_once_marked_late(ctx, clock):
    clock.set(seoul(2026, 1, 2, 17, 0))
    handoff.post_due_handoff(ctx)
    clock.set(seoul(2026, 1, 28, 10, 0))  # down over three handoffs
    assert handoff.post_due_handoff(ctx) is True
    assert handoff.post_due_handoff(ctx) is False
    posts = handoffs(ctx)
    assert len(posts) == 2
    assert posts[1].args == {"handoff_at": "2026-01-23T08:00:00Z", "late": True}


def test_handoff_post_names_both_people_open_incidents_pages_and_checklist(ctx, clock):
    # Week 0 (U0KIM): one incident on a weekday afternoon, two at night, one on Saturday.
    for when, severity in (
        (seoul(2026, 1, 5, 14, 0), "Sev3"),
        (seoul(2026, 1, 6, 23, 30), "Sev1"),
        (seoul(2026, 1, 7, 3, 0), "Sev2"),
        (seoul(2026, 1, 3, 11, 0), "Sev2"),
    ):
        clock.set(when)
        incident = incidents.create_incident(
            ctx, IncidentDraft(title=f"page {severity}", severity=severity, created_by="U9")
        )
        if severity != "Sev1":
            incidents.resolve(ctx, incident.id, actor="U0KIM")
    overrides.swap(
        ctx, seoul(2026, 1, 10, 12), seoul(2026, 1, 17, 12), Changer("U0PARK", operator=True)
    )
    clock.set(seoul(2026, 1, 2, 17, 0))
    ctx_first = Context(ctx.db, ctx.config, FakeClock(seoul(2026, 1, 2, 17, 0)))
    handoff.post_due_handoff(ctx_first)
    clock.set(seoul(2026, 1, 9, 17, 0))
    handoff.post_due_handoff(ctx)
    message = handoffs(ctx)[-1]
    rendered = NoticeRenderer(ctx).render(message.template, message.args)
    text = "\n".join(b["text"]["text"] for b in rendered["blocks"] if b["type"] == "section")
    # The swap makes U0LEE the incoming person for the weekend.
    assert "<@U0KIM> hands over to <@U0LEE>" in text
    assert "Open incidents (1)" in text and "page Sev1" in text
    assert "4 — 2 at night (22:00-08:00), 1 on the weekend" in text
    assert "Sev1 1, Sev2 2, Sev3 1" in text
    assert "Handoff checklist" in text and "retrospective" in text


def test_the_handoff_goes_to_the_configured_channel_and_not_without_a_rotation(ctx, clock):
    clock.set(seoul(2026, 1, 9, 17, 0))
    assert handoff.post_due_handoff(Context(ctx.db, Config(), clock)) is False
    custom = ctx.config.model_copy(
        update={"oncall": OnCallConfig(members=MEMBERS, channel="#oncall")}
    )
    custom_ctx = Context(ctx.db, custom, clock)
    assert handoff.post_due_handoff(custom_ctx) is True
    assert [m.channel for m in handoffs(custom_ctx)] == ["#oncall"]


# --- alert groups: tagged, reminded and counted like incidents ----------------------------


def _fire(ctx, name: str = "HighErrorRate", severity: str = "critical"):
    from commands.alerts.payloads import parse
    from tests.alerting import alert, iso, webhook

    payload = webhook(
        [alert("api-1", alertname=name, severity=severity, starts=iso(ctx.clock.now()))],
        group_key=f'{{}}:{{alertname="{name}"}}',
        alertname=name,
    )
    return ingest.ingest(ctx, parse(payload, "alertmanager"))


def test_a_new_alert_thread_tags_the_person_on_call(ctx, clock):

    clock.set(seoul(2026, 1, 12, 10, 0))  # week 1: U0PARK
    group = groups.get_group(ctx, _fire(ctx).group_id)
    assert group.mentions == ["U0PARK"]


def test_a_route_names_whom_to_tag_with_oncall_standing_for_the_person(ctx, clock, config):
    from commands.alerts.config import AlertsConfig

    routed = config.model_copy(
        update={
            "alerts": AlertsConfig.model_validate(
                {
                    "routes": [
                        {"match": {"alertname": "Quiet"}, "mention": []},
                        {"match": {"alertname": "Loud"}, "mention": ["oncall", "S0SRE", "here"]},
                    ]
                }
            )
        }
    )
    routed_ctx = Context(ctx.db, routed, clock)
    quiet = groups.get_group(routed_ctx, _fire(routed_ctx, "Quiet").group_id)
    loud = groups.get_group(routed_ctx, _fire(routed_ctx, "Loud").group_id)
    assert quiet.mentions == []
    assert loud.mentions == [oncall.who_is_on_call(ctx).primary, "S0SRE", "here"]


def test_an_unacknowledged_alert_group_is_reminded_until_acknowledged(ctx, clock):

    group_id = _fire(ctx, severity="critical").group_id  # Sev2: 30 minutes
    clock.advance(minutes=29)
    assert reminders.sweep(ctx).ack == 0
    clock.advance(minutes=1)
    assert reminders.sweep(ctx).ack == 1
    assert reminders.sweep(ctx).ack == 0
    [reminder] = outbox_rows(ctx, Template.ONCALL_ACK_REMINDER)
    assert (reminder.op, reminder.thread_ref) == ("reply", f"alert:{group_id}")
    assert (reminder.args["notify"], reminder.args["user"]) == step_now(ctx, "primary")
    assert reminder.args["label"] == "HighErrorRate"
    clock.advance(minutes=10)
    assert reminders.sweep(ctx).ack == 1  # the secondary
    actions.acknowledge(ctx, group_id, "U0PARK")
    clock.advance(hours=2)
    assert reminders.sweep(ctx).ack == 0
    assert len(outbox_rows(ctx, Template.ONCALL_ACK_REMINDER)) == 2


def test_an_alert_group_taken_over_by_an_incident_is_reminded_as_the_incident(ctx, clock):

    group_id = _fire(ctx).group_id
    actions.declare_incident(
        ctx, group_id, IncidentDraft(title="API errors", severity="Sev3", created_by="U0KIM")
    )
    clock.advance(minutes=61)
    reminders.sweep(ctx)
    refs = [m.thread_ref for m in outbox_rows(ctx, Template.ONCALL_ACK_REMINDER)]
    assert refs and all(ref.startswith("incident:") for ref in refs)


def test_the_handoff_counts_alert_pages_but_not_twice_for_a_declared_incident(ctx, clock):

    clock.set(seoul(2026, 1, 6, 23, 30))  # a night page in week 0
    _fire(ctx, "DiskFull", severity="warning")
    clock.set(seoul(2026, 1, 7, 11, 0))
    declared = _fire(ctx, "ApiDown", severity="critical").group_id
    actions.declare_incident(
        ctx, declared, IncidentDraft(title="API down", severity="Sev2", created_by="U0KIM")
    )
    summary = handoff.handoff_summary(ctx, seoul(2026, 1, 9, 17, 0))
    assert summary.pages.total == 2
    assert summary.pages.by_kind == {"alert": 1, "incident": 1}
    assert summary.pages.night == 1
