"""The CLI as a user runs it, on a real database: a few commands in a subprocess, the long
sequences through `bot.cli.main` in this process."""

import json
import subprocess

import pytest

from tests.conftest import free_port


@pytest.fixture
def run(cli_in_process):
    return cli_in_process


def test_create_prints_the_guide_line_and_list_json_has_the_contract_fields(cli):
    run = cli  # a real process: `python -m bot` as the README runs it
    created = run(
        "incident",
        "create",
        "--title",
        "Qwen LLM 장애",
        "--severity",
        "Sev2",
        "--description",
        "creative mode down",
        "--component",
        "qwen",
        "--component",
        "llm",
    )
    assert created.returncode == 0, created.stderr
    first_line = created.stdout.splitlines()[0]
    assert first_line.startswith("Incident Created: INC-") and first_line.endswith(" [Sev2]")
    assert "Qwen LLM 장애" in created.stdout
    assert "qwen, llm" in created.stdout
    incident_id = first_line.split()[2]

    listed = run("incident", "list", "--json")
    assert listed.returncode == 0
    [item] = json.loads(listed.stdout)
    assert {
        "id",
        "title",
        "severity",
        "status",
        "created_at",
        "acknowledged_by",
        "acknowledged_at",
    } <= set(item)
    assert item["id"] == incident_id
    assert item["title"] == "Qwen LLM 장애"
    assert item["created_at"].endswith("Z")
    assert item["acknowledged_at"] is None

    acked = run("incident", "ack", incident_id, "--responder", "park")  # the older name
    assert acked.returncode == 0, acked.stderr
    # The next step is written as this CLI takes it, not as Slack's /incident.
    assert f'sre-bot incident status {incident_id} investigating --note "NOTE"' in acked.stdout
    assert "/incident" not in acked.stdout
    again = run("incident", "ack", incident_id, "--by", "lee")
    assert again.returncode == 1
    assert "already acknowledged by park" in again.stdout
    [item] = json.loads(run("incident", "list", "--json").stdout)
    assert item["acknowledged_by"] == "park" and item["acknowledged_at"].endswith("Z")


def test_the_whole_lifecycle_from_the_cli(run):
    incident_id = run(
        "incident", "create", "--title", "RL reward runaway", "--severity", "sev1"
    ).stdout.split()[2]
    steps = [
        (
            "incident",
            "status",
            incident_id,
            "INVESTIGATING",
            "--note",
            "Checking Qwen health endpoint",
            "--by",
            "park",
        ),
        ("incident", "root-cause", incident_id, "learning rate schedule bug"),
        ("incident", "resolution", incident_id, "rolled back to checkpoint 1200"),
        ("incident", "resolve", incident_id),
        ("incident", "close", incident_id),
    ]
    for step in steps:
        result = run(*step)
        assert result.returncode == 0, (step, result.stderr)
    report = json.loads(run("incident", "report", "--json").stdout)
    assert [p["id"] for p in report["postmortems_owed"]] == [incident_id]
    draft = run("incident", "show", incident_id, "--postmortem").stdout
    assert "## Root cause" in draft and "learning rate schedule bug" in draft
    assert run("incident", "postmortem", incident_id, "https://wiki.example/pm/rl").returncode == 0
    report = json.loads(run("incident", "report", "--json").stdout)
    assert report["postmortems_owed"] == []
    assert report["by_status"]["closed"] == 1
    shown = json.loads(run("incident", "show", incident_id, "--json").stdout)
    assert [e["kind"] for e in shown["timeline"]][:2] == ["created", "status"]
    assert shown["timeline"][1]["actor"] == "park"
    text_report = run("incident", "report").stdout
    assert "Postmortems owed" not in text_report and "No postmortems owed." in text_report


def test_unknown_severity_exits_2_and_lists_the_valid_ones(run):
    result = run("incident", "create", "--title", "x", "--severity", "P1")
    assert result.returncode == 2
    assert "Unknown severity P1. Use one of: Sev1, Sev2, Sev3, Sev4." in result.stderr
    assert json.loads(run("incident", "list", "--json").stdout) == []


def test_usage_errors_exit_2(run):
    assert run("incident").returncode == 2
    for bad in (("list", "--limit", "0"), ("report", "--days", "-3"), ("report", "--days", "x")):
        result = run("incident", *bad)
        assert result.returncode == 2, bad
        assert "positive" in result.stderr or "whole number" in result.stderr
    missing = run("incident", "close", "INC-20990101-000000")
    assert missing.returncode == 2 and "There is no incident INC-20990101-000000" in missing.stderr


def test_refused_transition_exits_1(run):
    incident_id = run("incident", "create", "--title", "x", "--severity", "Sev3").stdout.split()[2]
    result = run("incident", "close", incident_id)
    assert result.returncode == 1
    assert "resolve it first" in result.stderr


def test_bad_config_exits_2_naming_file_and_key(run, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("slack:\n  timezon: Asia/Seoul\n")
    result = run("incident", "list", env={"SRE_BOT_CONFIG": str(bad)})
    assert result.returncode == 2
    assert f"{bad}:2: slack.timezon: unknown key" in result.stderr


def test_unreachable_database_exits_3(cli):
    run = cli
    result = run(
        "incident",
        "list",
        env={"DATABASE_URL": "postgresql://sre:x@127.0.0.1:9/sre?connect_timeout=2"},
    )
    assert result.returncode == 3
    assert "database cannot be reached" in result.stderr


def test_db_upgrade_creates_the_schema(run, tmp_path):
    result = run("db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.db").exists()
    assert run("db", "upgrade").returncode == 0  # idempotent


def test_serve_on_a_busy_port_says_so_and_exits_2(cli):
    run = cli
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--host", "127.0.0.1", "--port", str(port))
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_dev_on_a_busy_port_says_so_before_it_says_it_listens(cli):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        bot = cli("dev", "--port", str(port))
        slack = cli("dev", "--port", str(free_port()), "--local-slack-port", str(port))
    assert bot.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: " in bot.stderr
    assert "listens on" not in bot.stdout
    assert slack.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: " in slack.stderr
    assert "--local-slack-port" in slack.stderr
    assert "listens on" not in slack.stdout


def test_a_reader_that_goes_away_ends_the_command_without_a_traceback(cli):
    import os
    import subprocess

    created = cli("incident", "create", "--title", "Pipe", "--severity", "Sev3", "--json")
    incident_id = json.loads(created.stdout)["id"]
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head` that has already read its lines
    try:
        command = cli._command(("incident", "show", incident_id), None)
        result = subprocess.run(**command, stdout=write_end, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr
    assert "BrokenPipe" not in result.stderr
    assert result.returncode == 1


def test_create_from_the_guides_json_form_as_an_argument_or_on_stdin(run, cli):
    guide = {
        "title": "Qwen LLM failure",
        "description": "creative mode returns 500",
        "severity": "Sev2",
        "components": ["qwen", "gateway"],
    }
    created = run("incident", "create", "--json", json.dumps(guide))
    assert created.returncode == 0, created.stderr
    first, title, components = created.stdout.strip().splitlines()
    assert first.startswith("Incident Created: INC-") and first.endswith(" [Sev2]")
    assert title == "Qwen LLM failure"
    assert "qwen, gateway" in components
    piped = subprocess.run(
        **cli._command(("incident", "create", "--json", "-"), None),
        input=json.dumps({**guide, "title": "From stdin"}),
        capture_output=True,
        timeout=60,
    )
    assert piped.returncode == 0, piped.stderr
    assert "From stdin" in piped.stdout
    listed = {i["title"]: i for i in json.loads(run("incident", "list", "--json").stdout)}
    assert set(listed) == {"Qwen LLM failure", "From stdin"}
    assert listed["Qwen LLM failure"]["severity"] == "Sev2"


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be one object"),
        ('{"title": "x"}', "needs 'severity'"),
        ('{"title": "x", "severity": "Sev2", "owner": "kim"}', "unknown fields owner"),
        ('{"title": "x", "severity": "Sev2", "components": "qwen"}', "list of strings"),
        ('{"title": "x", "severity": "P1"}', "Unknown severity P1"),
    ],
)
def test_a_bad_json_form_exits_2_with_the_reason(run, given, said):
    result = run("incident", "create", "--json", given)
    assert result.returncode == 2
    assert said in result.stderr
    assert json.loads(run("incident", "list", "--json").stdout) == []


def test_create_without_title_or_severity_says_which_is_missing(run):
    result = run("incident", "create", "--title", "x")
    assert result.returncode == 2
    assert "needs --severity" in result.stderr


def test_show_and_list_name_people_instead_of_their_ids(run):
    run.configure("slack:\n  timezone: Asia/Seoul\ncli_users:\n  kim: U0123KIM\n")
    created = run(
        "incident", "create", "--title", "Names", "--severity", "Sev3", "--json", "--by", "U0123KIM"
    )
    incident_id = json.loads(created.stdout)["id"]
    assert run("incident", "ack", incident_id, "--by", "U0123KIM").returncode == 0
    shown = run("incident", "show", incident_id).stdout
    assert "@kim declared the incident" in shown and "U0123KIM" not in shown
    listed = run("incident", "list").stdout
    assert "ack:kim" in listed
    draft = run("incident", "show", incident_id, "--postmortem").stdout
    assert "@kim acknowledged" in draft and "U0123KIM" not in draft


def test_a_command_that_needs_no_slack_or_migration_does_not_import_them(cli):
    """The CLI's start is its cost for a person or a cron job: `incident list` on a current
    database loads neither Alembic nor the Slack SDK, nor the HTTP client SLO commands use
    (measured by -X importtime)."""
    assert cli("db", "upgrade").returncode == 0
    done = cli("incident", "list", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0, done.stderr
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "sqlalchemy" in imported  # the measurement worked
    assert not imported & {
        "alembic",
        "slack_bolt",
        "slack_sdk",
        "httpx",
        "matplotlib",
        "requests",
        "prometheus_api_client",
    }
