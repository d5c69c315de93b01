"""`/incident` answers, carried out on a real database without a server."""

from bot.i18n import Translator
from bot.slack.incidents.command import run_request
from commands.incidents import lifecycle as incidents
from commands.incidents.slash import parse_incident


def test_a_title_over_the_limit_is_kept_shortened_and_the_answer_says_so(ctx) -> None:
    long_title = "Database is slow " + "x" * 600
    answer = run_request(
        ctx, Translator("en"), parse_incident(f"create sev2 {long_title}"), "U0KIM", "C0INC"
    )
    text = answer["text"]
    assert text.startswith("Incident Created: INC-")
    assert f"The title had {len(long_title)} characters; it was shortened to the first 500." in text
    [incident] = incidents.list_incidents(ctx, open_only=True, limit=5)
    assert incident.title == long_title[:500]
    korean = run_request(
        ctx, Translator("ko"), parse_incident(f"create sev3 {long_title}"), "U0KIM", "C0INC"
    )["text"]
    assert f"제목이 {len(long_title)}자여서 앞의 500자로 줄였습니다." in korean


def test_a_title_that_fits_says_nothing_about_length(ctx) -> None:
    answer = run_request(
        ctx, Translator("en"), parse_incident("create sev2 Short"), "U0KIM", "C0INC"
    )
    assert "shortened" not in answer["text"]
