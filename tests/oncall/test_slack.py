"""On call end to end: signed `/oncall` and `/incident` requests in, the fake Slack's
messages out; the sweep is run directly with the fake clock."""

from bot.scheduler import oncall_sweep
from commands.clock import FakeClock
from commands.config import Config, SlackConfig
from commands.oncall.config import OnCallConfig
from tests.factories import seoul


def test_oncall_tagging_reminders_ack_and_handoff_through_slack(start_service, slack):
    config = Config(
        slack=SlackConfig(incident_channel="#incidents", timezone="Asia/Seoul"),
        oncall=OnCallConfig(members=["U0KIM", "U0PARK", "U0LEE"], start="2026-01-02"),
    )
    clock = FakeClock(seoul(2026, 1, 5, 10, 30))
    bot = start_service(config_override=config, clock=clock)
    runtime = bot.service.runtime

    answer = bot.command("", command="/oncall").json()
    assert answer["response_type"] == "ephemeral"
    assert "<@U0KIM> (primary), <@U0PARK> (secondary)" in answer["text"]
    usage = bot.command("rotate", command="/oncall").json()
    assert "Unknown `/oncall` sub-command" in usage["text"] and "/oncall swap" in usage["text"]

    created = bot.command("create sev1 API down").json()["text"]
    incident_id = created.split("Incident Created: ")[1].split(" ")[0]
    [announcement] = slack.wait_for(lambda: slack.messages("incidents"))
    assert "On call: <@U0KIM>" in str(announcement.blocks)

    def replies() -> list[str]:
        return [m.text for m in slack.thread("incidents", announcement.ts)[1:]]

    slack.wait_for(lambda: len(replies()) == 1)  # the timeline's "declared"
    clock.advance(minutes=16)
    assert oncall_sweep(runtime) == 1
    assert oncall_sweep(runtime) == 0
    slack.wait_for(lambda: any(":alarm_clock:" in r for r in replies()))
    assert sum("<@U0KIM>" in r and incident_id in r for r in replies()) == 1

    bot.command(f"ack {incident_id}", user="U0KIM")
    slack.wait_for(lambda: any("acknowledged" in r for r in replies()))
    clock.advance(minutes=20)  # 36 minutes: past every escalation step
    assert oncall_sweep(runtime) == 0  # no escalation after the ack
    clock.advance(minutes=10)  # 30 minutes without a timeline entry since the ack
    assert oncall_sweep(runtime) == 1
    slack.wait_for(lambda: any("Post a status update" in r for r in replies()))

    clock.set(seoul(2026, 1, 9, 17, 0))
    assert oncall_sweep(runtime) == 2  # the handoff, and the silent incident's next update reminder
    assert oncall_sweep(runtime) == 0
    [handoff] = slack.wait_for(lambda: slack.messages("sre"))
    assert "<@U0KIM> hands over to <@U0PARK>" in str(handoff.blocks)
    assert incident_id in str(handoff.blocks)  # still open
    assert len([r for r in replies() if ":alarm_clock:" in r or "Escalating" in r]) == 1
