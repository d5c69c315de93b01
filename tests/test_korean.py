"""Korean particles chosen by the word before them, and every catalog sentence using them."""

from __future__ import annotations

import re
import string

import pytest

from bot.i18n import Translator
from bot.korean import attach_particles, final_sound
from bot.messages import CATALOG

PAIR = re.compile(
    r"이\(가\)|가\(이\)|을\(를\)|를\(을\)|은\(는\)|는\(은\)|과\(와\)|와\(과\)|\(으\)로"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("제목이(가) 빠졌습니다", "제목이 빠졌습니다"),
        ("상태이(가) 빠졌습니다", "상태가 빠졌습니다"),
        ("*INC-20261201-0001*을(를) 닫았습니다", "*INC-20261201-0001*을 닫았습니다"),
        ("INC-7을(를)", "INC-7을"),  # 칠
        ("INC-2을(를)", "INC-2를"),  # 이
        ("`10`은(는)", "`10`은"),  # 십
        ("서울(으)로", "서울로"),  # ㄹ takes 로
        ("집(으)로", "집으로"),
        ("바다(으)로", "바다로"),
        ("Sev1(으)로", "Sev1로"),  # 일: ㄹ
        ("Sev3(으)로", "Sev3으로"),  # 삼
        ("`Database`이(가)", "`Database`가"),  # 데이터베이스
        ("team과(와)", "team과"),  # 팀
        ("deploy과(와)", "deploy와"),  # 디플로이
        ("pool(으)로", "pool로"),  # 풀
        ("URL이(가)", "URL이"),  # 엘
        ("API은(는)", "API는"),  # 아이
        ("<@U0123KIM>은(는)", "<@U0123KIM>은(는)"),  # a mention: the name is not known here
        ("— 이(가)", "— 이(가)"),  # nothing to read: left as written
    ],
)
def test_particles_follow_the_word(text: str, expected: str) -> None:
    assert attach_particles(text) == expected


def test_final_sound_of_hangul_digits_and_letters() -> None:
    assert final_sound("강") == (True, False)
    assert final_sound("물") == (True, True)
    assert final_sound("나") == (False, False)
    assert final_sound("0") == (True, False)  # 영
    assert final_sound("...") is None


@pytest.mark.parametrize("sample", ["INC-20261201-0001", "서울", "바다", "team", "Sev2", "10"])
def test_no_catalog_sentence_keeps_a_written_out_pair(sample: str) -> None:
    t = Translator("ko")
    checked = 0
    for key, entry in CATALOG.items():
        template = entry.get("ko", "")
        if not PAIR.search(template):
            continue
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        text = t(key, **dict.fromkeys(fields, sample))
        left = [m.group(0) for m in PAIR.finditer(text)]
        # A pair may stay only after a mention, whose name Slack fills in later.
        assert all(text[: m.start()].endswith(">") for m in PAIR.finditer(text)), (key, text, left)
        checked += 1
    assert checked >= 40
