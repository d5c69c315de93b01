"""Incident messages as people read them, rendered without a server."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import Translator
from bot.slack.blocks import cut, escape, who
from bot.slack.ids import Action, Block
from bot.slack.incidents import views
from bot.slack.incidents.forms import create_incident_modal, submitted_values
from bot.slack.limits import HEADER_MAX, SECTION_MAX
from commands.clock import FakeClock
from commands.config import Config, SlackConfig
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.incidents.report import incident_report
from commands.incidents.slash import USAGE


@pytest.fixture
def clock() -> FakeClock:
    """The words are checked as written at one known moment: 10:30 on a Monday in Seoul."""
    return FakeClock(datetime(2026, 1, 5, 1, 30, tzinfo=UTC))


@pytest.fixture
def config() -> Config:
    return Config(slack=SlackConfig(incident_channel="#incidents", timezone="Asia/Seoul"))


def _t(config, locale="en"):
    return Translator(locale, config.slack.tz)


def _buttons(message):
    return [
        element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_announcement_shows_severity_status_ack_deadline_and_buttons(ctx, config):
    incident = incidents.create_incident(
        ctx,
        IncidentDraft(
            title="Qwen LLM failure", severity="Sev2", created_by="U0ALICE", components=["qwen"]
        ),
    )
    message = views.announcement(incident, config, _t(config))
    text = str(message)
    assert "Sev2" in text and "Detected" in text
    assert "Respond by 11:00 KST (30m target)" in text
    assert "<@U0ALICE>" in text
    assert [(b["text"]["text"], b["action_id"], b["value"]) for b in _buttons(message)] == [
        ("Acknowledge", Action.ACKNOWLEDGE, incident.id),
        ("Update status", Action.UPDATE_STATUS, incident.id),
        ("Resolve", Action.RESOLVE, incident.id),
    ]


def test_acknowledged_announcement_shows_who_and_time_against_target(ctx, config, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev1", created_by="U1")
    )
    clock.advance(minutes=20)
    acked = incidents.acknowledge(ctx, incident.id, "U0BOB").incident
    message = views.announcement(acked, config, _t(config))
    assert "<@U0BOB> after 20m (15m target) :warning:" in str(message)
    assert "Acknowledge" not in [b["text"]["text"] for b in _buttons(message)]


def test_closed_announcement_has_no_buttons_and_shows_postmortem_owed(ctx, config):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev1", created_by="U1")
    )
    incidents.resolve(ctx, incident.id, actor="U1")
    closed = incidents.close(ctx, incident.id, actor="U1")
    message = views.announcement(closed, config, _t(config))
    assert _buttons(message) == []
    assert "Postmortem owed" in str(message)


def test_user_text_cannot_ping_the_channel(ctx, config):
    incident = incidents.create_incident(
        ctx,
        IncidentDraft(
            title="<!channel> ping & <https://evil|click>", severity="Sev3", created_by="U1"
        ),
    )
    message = views.announcement(incident, config, _t(config))
    section = message["blocks"][1]["text"]["text"]
    assert "<!channel>" not in section
    assert "&lt;!channel&gt; ping &amp; &lt;https://evil|click&gt;" in section


def test_long_text_is_cut_to_slack_limits(ctx, config):
    incident = incidents.create_incident(
        ctx,
        IncidentDraft(title="장" * 400, severity="Sev3", created_by="U1", description="&" * 9000),
    )
    message = views.announcement(incident, config, _t(config))
    assert len(message["blocks"][0]["text"]["text"]) <= HEADER_MAX
    for block in message["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_MAX
            assert not block["text"]["text"].rstrip("…").endswith("&am")


def test_cut_never_leaves_half_an_escape():
    assert cut(escape("a&b" * 10), 7) == "a&amp;…"
    assert cut(escape("a&b" * 10), 6) == "a…"
    assert cut("short", 10) == "short"


def test_who_mentions_slack_ids_and_escapes_names():
    assert who("U0ABC123") == "<@U0ABC123>"
    assert who("kim <admin>") == "kim &lt;admin&gt;"


def test_timeline_reply_in_korean(ctx, config):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev2", created_by="U1")
    )
    incidents.set_status(
        ctx, incident.id, "investigating", actor="U0KIM", note="Qwen 헬스 체크 확인 중"
    )
    entry = incidents.get_timeline(ctx, incident.id)[1][-1]
    reply = views.timeline_reply(entry, _t(config, "ko"))
    assert reply["blocks"][0]["text"]["text"] == (
        "`10:30 KST` <@U0KIM>님이 상태를 바꿨습니다: 감지됨 → 조사 중. "
        "(이로써 인시던트도 확인되었습니다.)\n> Qwen 헬스 체크 확인 중"
    )


def test_postmortem_draft_has_every_section_and_the_timeline(ctx, config, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="Qwen down", severity="Sev2", created_by="U1", components=["qwen"])
    )
    clock.advance(minutes=5)
    incidents.acknowledge(ctx, incident.id, "U2")
    incidents.set_root_cause(ctx, incident.id, "OOM", actor="U2")
    clock.advance(minutes=40)
    incidents.resolve(ctx, incident.id, actor="U2", resolution="Rollback")
    incident, timeline = incidents.get_timeline(ctx, incident.id)
    draft = views.postmortem_markdown(incident, timeline, _t(config))
    for heading in (
        "## Summary",
        "## Impact",
        "## Timeline (Asia/Seoul)",
        "## Root cause",
        "## Resolution",
        "## Action items",
    ):
        assert heading in draft
    assert "duration 45m" in draft and "Acknowledged after 5m" in draft
    assert "OOM" in draft and "Rollback" in draft
    assert draft.count("\n- 2026-01-05") == len(timeline)
    message = views.postmortem_message(incident, timeline, _t(config))
    assert "## Root cause\n\nOOM" in message["text"]  # short: the draft is in the message
    assert views.postmortem_file(incident, timeline, _t(config)) is None


def test_the_postmortem_draft_names_people_as_slack_does_not_in_a_code_block(ctx, config):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="Qwen down", severity="Sev2", created_by="U0KIM")
    )
    incidents.acknowledge(ctx, incident.id, "U0PARK")
    incidents.set_status(ctx, incident.id, "investigating", actor="U0KIM", note="<@U0KIM> looks")
    incident, timeline = incidents.get_timeline(ctx, incident.id)
    names = {"U0KIM": "Kim Minsu"}.get
    draft = views.postmortem_markdown(incident, timeline, Translator("en", config.slack.tz, names))
    assert "@Kim Minsu declared the incident" in draft
    assert "@U0PARK acknowledged" in draft  # no name to be found: the ID, never a blank
    assert "<@" not in draft
    # In the thread's own messages the mention stays: Slack shows the name there.
    assert "<@U0KIM>" in views.timeline_reply(timeline[0], _t(config))["text"]


def test_a_long_postmortem_draft_is_cut_after_escaping_and_uploaded_whole(ctx, config, clock):
    """9,000 characters of root cause and of resolution, full of &, < and >: escaped, the
    draft would be about 68,000 characters, more than Slack keeps of a message."""
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="Qwen <down>", severity="Sev1", created_by="U1")
    )
    incidents.set_root_cause(ctx, incident.id, "<&>" * 3000, actor="U2")
    incidents.resolve(ctx, incident.id, actor="U2", resolution="a&b<c>" * 1500)
    incident, timeline = incidents.get_timeline(ctx, incident.id)
    t = _t(config)
    whole = views.postmortem_markdown(incident, timeline, t)
    message = views.postmortem_message(incident, timeline, t)
    assert len(message["text"]) < 3000 and "INC-" in message["text"]
    assert f"{len(whole):,} characters" in message["text"]
    assert "-postmortem.md" in message["text"]
    upload = views.postmortem_file(incident, timeline, t)
    assert upload is not None
    assert upload["content"].decode() == whole  # the file is the draft, whole and unescaped
    assert upload["filename"] == f"{incident.id}-postmortem.md"
    assert "<&>" * 3000 in whole and "a&b<c>" * 1500 in whole


def test_report_lines(ctx, config, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev1", created_by="U1")
    )
    clock.advance(minutes=10)
    incidents.acknowledge(ctx, incident.id, "U2")
    lines = views.report_lines(incident_report(ctx), _t(config))
    assert "Sev1 (15m) | 1 | 10m | — | 100% (1/1)" in lines
    assert "No postmortems owed." in lines


def test_create_modal_round_trip(config):
    t = _t(config)
    view = create_incident_modal(t, IncidentDraft(title="Qwen", severity="Sev2"))
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[Block.SEVERITY]["element"]["initial_option"]["value"] == "Sev2"
    assert blocks[Block.TITLE]["element"]["initial_value"] == "Qwen"
    state = {
        "values": {
            Block.TITLE: {"value": {"type": "plain_text_input", "value": "Qwen 장애"}},
            Block.SEVERITY: {
                "value": {"type": "static_select", "selected_option": {"value": "Sev1"}}
            },
            Block.DESCRIPTION: {"value": {"type": "plain_text_input", "value": None}},
        }
    }
    assert submitted_values({"state": state}) == {
        "title": "Qwen 장애",
        "severity": "Sev1",
        "description": "",
    }


def test_incident_list_offers_ack_buttons_for_unacked(ctx, config):
    a = incidents.create_incident(ctx, IncidentDraft(title="a", severity="Sev3", created_by="U1"))
    incidents.create_incident(ctx, IncidentDraft(title="b", severity="Sev3", created_by="U1"))
    incidents.acknowledge(ctx, a.id, "U2")
    message = views.incident_list(incidents.list_incidents(ctx, open_only=True), _t(config))
    accessories = [b.get("accessory") for b in message["blocks"][1:]]
    assert accessories[0]["action_id"] == Action.ACKNOWLEDGE  # b, newest first, unacked
    assert accessories[1] is None
    assert views.incident_list([], _t(config))["text"] == "No open incidents."


def test_unacknowledged_past_its_target_reads_overdue(ctx, config, clock):
    incident = incidents.create_incident(
        ctx, IncidentDraft(title="x", severity="Sev1", created_by="U1")
    )
    t = _t(config)
    before = views.announcement(incident, config, t, now=clock.now() + timedelta(minutes=14))
    assert "Respond by 10:45 KST (15m target)" in str(before)
    after = views.announcement(incident, config, t, now=clock.now() + timedelta(minutes=15))
    assert "Not acknowledged: overdue since 10:45 KST (15m target)" in str(after)


def test_help_lists_every_sub_command_and_the_other_four_commands() -> None:
    for locale in ("en", "ko"):
        text = views.help_text(Translator(locale))
        for sub in USAGE:
            assert f"/incident {sub}" in text, (locale, sub)
        for command in ("/oncall", "/slo", "/runbook", "/health"):
            assert f"`{command}`" in text, (locale, command)
