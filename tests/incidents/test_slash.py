import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.errors import CommandError
from commands.incidents.slash import IncidentRequest, UsageError, parse_incident


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", IncidentRequest("help")),
        ("help", IncidentRequest("help")),
        ("create", IncidentRequest("create")),
        (
            "create sev2 Qwen LLM failure",
            IncidentRequest("create", severity="sev2", title="Qwen LLM failure"),
        ),
        ("CREATE Sev1  API down  ", IncidentRequest("create", severity="Sev1", title="API down")),
        ("ack", IncidentRequest("ack")),
        ("ack INC-20260105-103000", IncidentRequest("ack", incident_id="INC-20260105-103000")),
        (
            "status INC-1 investigating Checking Qwen health endpoint",
            IncidentRequest(
                "status",
                incident_id="INC-1",
                status="investigating",
                text="Checking Qwen health endpoint",
            ),
        ),
        (
            "status INC-1 mitigated",
            IncidentRequest("status", incident_id="INC-1", status="mitigated"),
        ),
        ("severity INC-1 sev1", IncidentRequest("severity", incident_id="INC-1", severity="sev1")),
        (
            "root-cause INC-1 GPU OOM",
            IncidentRequest("root-cause", incident_id="INC-1", text="GPU OOM"),
        ),
        (
            "rootcause INC-1 GPU OOM",
            IncidentRequest("root-cause", incident_id="INC-1", text="GPU OOM"),
        ),
        (
            "resolution INC-1 rolled back",
            IncidentRequest("resolution", incident_id="INC-1", text="rolled back"),
        ),
        ("resolve INC-1", IncidentRequest("resolve", incident_id="INC-1")),
        ("close INC-1", IncidentRequest("close", incident_id="INC-1")),
        (
            "postmortem INC-1 https://x/y",
            IncidentRequest("postmortem", incident_id="INC-1", text="https://x/y"),
        ),
        ("list", IncidentRequest("list")),
        ("list all", IncidentRequest("list", show_all=True)),
        ("report", IncidentRequest("report")),
        ("report 30d", IncidentRequest("report", days=30)),
        (
            "note INC-1 장애 원인 조사 중",
            IncidentRequest("note", incident_id="INC-1", text="장애 원인 조사 중"),
        ),
    ],
)
def test_parse(text, expected):
    assert parse_incident(text) == expected


@pytest.mark.parametrize(
    ("text", "key", "what"),
    [
        ("status", "usage.missing", "id"),
        ("status INC-1", "usage.missing", "status"),
        ("severity INC-1", "usage.missing", "severity"),
        ("root-cause INC-1", "usage.missing", "text"),
        ("postmortem INC-1", "usage.missing", "url"),
        ("create sev2", "usage.missing", "title"),
        ("close", "usage.missing", "id"),
        ("report soon", "usage.missing", "days"),
    ],
)
def test_missing_arguments_name_what_is_missing(text, key, what):
    with pytest.raises(UsageError) as raised:
        parse_incident(text)
    assert raised.value.key == key
    assert raised.value.params["what"] == what
    assert raised.value.params["usage"].startswith("/incident ")


def test_unknown_sub_command():
    with pytest.raises(UsageError) as raised:
        parse_incident("explode now")
    assert raised.value.key == "usage.unknown_sub"
    assert raised.value.params["sub"] == "explode"


def test_unknown_severity_on_create():
    for text in ("create critical API down", "create P1 API down", "create sev9 API down"):
        with pytest.raises(CommandError) as raised:
            parse_incident(text)
        assert raised.value.key == "error.unknown_severity", text


def test_a_title_without_a_severity_says_the_severity_is_missing():
    with pytest.raises(UsageError) as raised:
        parse_incident("create Database is down")
    assert raised.value.key == "usage.create_needs_severity"
    assert raised.value.params["title"] == "Database is down"


@given(st.text(max_size=300))
def test_any_text_gives_a_request_or_a_usage_error(text):
    try:
        request = parse_incident(text)
    except CommandError:
        return
    assert isinstance(request, IncidentRequest)
