"""`sre-bot oncall` as a user runs it, on a real database, at the tests' instant."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

SEOUL = ZoneInfo("Asia/Seoul")

CONFIG = """\
slack:
  timezone: Asia/Seoul
oncall:
  members: [U0KIM, U0PARK, U0LEE]
  start: 2026-01-02
"""


@pytest.fixture
def run(cli_in_process):
    cli_in_process.configure(CONFIG)
    return lambda *args: cli_in_process("oncall", *args)


def test_the_process_takes_its_clock_from_sre_bot_now(cli, now):
    cli.configure(CONFIG)
    answer = cli("oncall", "--json", env={"SRE_BOT_NOW": now.isoformat()})
    assert answer.returncode == 0, answer.stderr
    at = json.loads(answer.stdout)["at"]
    assert timedelta(0) <= datetime.fromisoformat(at) - now < timedelta(seconds=30)
    bad = cli("oncall", env={"SRE_BOT_NOW": "next friday"})
    assert bad.returncode == 2
    assert "SRE_BOT_NOW: 'next friday' is not an ISO 8601 instant" in bad.stderr


def test_now_json_schedule_json_and_overrides(run, now):
    # 2030-01-04 17:00 starts rotation week 209 since 2026-01-02: members[209 % 3], U0LEE.
    at = run("now", "--at", "2030-01-07 10:00", "--json")
    assert at.returncode == 0, at.stderr
    data = json.loads(at.stdout)
    assert data["at"] == "2030-01-07T01:00:00Z"
    assert (data["primary"], data["secondary"], data["shift"]) == ("U0LEE", "U0KIM", "weekday")
    assert data["until"] == "2030-01-11T08:00:00Z"
    assert data["next_primary"] == "U0KIM"
    assert data["in_working_hours"] is True
    assert data["override"] is None

    bare = run("--json")  # `sre-bot oncall` alone is `now`
    assert bare.returncode == 0, bare.stderr
    assert {"primary", "secondary", "shift", "until"} <= set(json.loads(bare.stdout))

    # Overrides change the future: take a Tuesday and two weekends a few weeks from now.
    today = now.astimezone(SEOUL).date()
    tuesday = today + timedelta(days=21 + (1 - today.weekday()) % 7)
    saturday = tuesday + timedelta(days=4)
    covered = run("cover", "U0PARK", f"{tuesday} 09:00", f"{tuesday} 18:00")
    assert covered.returncode == 0, covered.stderr
    assert covered.stdout.startswith(f"@U0PARK covers {tuesday} 09:00 KST – {tuesday} 18:00 KST")
    during = json.loads(run("now", "--at", f"{tuesday}T12:00", "--json").stdout)
    assert (during["primary"], during["override"]["kind"]) == ("U0PARK", "cover")

    overlap = run("cover", "U0KIM", f"{tuesday} 17:00", f"{tuesday}")
    assert overlap.returncode == 1  # a conflict: the answer is no
    assert "overlaps override #1" in overlap.stderr

    stranger = run("cover", "U0NOBODY", f"{saturday}", f"{saturday}")
    assert stranger.returncode == 2
    assert "not in the on-call rotation" in stranger.stderr
    bad_time = run("cover", "U0KIM", "tomorrow", f"{saturday}")
    assert bad_time.returncode == 2 and "2026-12-04 17:00" in bad_time.stderr

    def weekends() -> list[dict]:
        """The weekend shifts around `saturday` and a week later (they start on Friday)."""
        items = json.loads(run("schedule", "--weeks", "8", "--json").stdout)
        assert {"start", "end", "shift", "primary", "secondary", "override"} <= set(items[0])
        fridays = {saturday - timedelta(days=1), saturday + timedelta(days=6)}
        return [
            i
            for i in items
            if i["shift"] == "weekend"
            and datetime.fromisoformat(i["start"]).astimezone(SEOUL).date() in fridays
        ]

    before = weekends()
    assert len(before) == 2 and before[0]["primary"] != before[1]["primary"]
    swapped = run("swap", f"{saturday}", f"{saturday + timedelta(days=7)}", "--by", "U0KIM")
    assert swapped.returncode == 0, swapped.stderr
    after = weekends()
    assert [(w["primary"], w["override"]["kind"]) for w in after] == [
        (before[1]["primary"], "swap"),
        (before[0]["primary"], "swap"),
    ]
    # One week, asked at any moment, shows the coming weekend shift and who holds it.
    text = run("schedule", "--weeks", "1")
    assert text.returncode == 0, text.stderr
    weekend = [line for line in text.stdout.splitlines() if "· weekend ·" in line]
    assert weekend and all("@U0" in line for line in weekend), text.stdout
    too_many = run("schedule", "--weeks", "99")
    assert too_many.returncode == 2
