import string
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import CATALOG


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_english_and_korean_with_the_same_placeholders():
    for key, entry in CATALOG.items():
        assert set(entry) == {"en", "ko"}, key
        assert entry["ko"].strip(), key
        assert _fields(entry["en"]) == _fields(entry["ko"]), key


def test_times_are_shown_in_the_team_timezone():
    t = Translator("ko", ZoneInfo("Asia/Seoul"))
    assert t.time(datetime(2026, 1, 5, 1, 30, tzinfo=UTC)) == "2026-01-05 10:30 KST"


def test_times_follow_daylight_saving():
    t = Translator("en", ZoneInfo("Europe/Berlin"))
    assert t.clock(datetime(2026, 1, 5, 12, 0, tzinfo=UTC)) == "13:00 CET"
    assert t.clock(datetime(2026, 7, 5, 12, 0, tzinfo=UTC)) == "14:00 CEST"


def test_durations():
    en, ko = Translator("en"), Translator("ko")
    assert en.duration(45) == "45s"
    assert en.duration(30 * 60) == "30m"
    assert en.duration(3600 + 5 * 60 + 7) == "1h 5m"
    assert en.duration(2 * 86400 + 3 * 3600) == "2d 3h"
    assert ko.duration(3600 + 5 * 60) == "1시간 5분"
    assert en.duration(None) == "—"


def test_unknown_locale_falls_back_to_english():
    assert Translator("fr")("status.resolved") == "Resolved"
