"""Korean particles that follow the word before them: 이/가, 을/를, 은/는, 과/와, (으)로.

The catalog writes both forms, as Korean writers do when the word is not known in advance
(`{id}을(를)`); once the word is in, `attach_particles` keeps the one that fits. A word whose
last sound has a final consonant takes 이, 을, 은, 과, 으로; one without takes 가, 를, 는, 와,
로; and a final ㄹ takes 로. Hangul is read from the syllable, a digit as it is read aloud
(일, 삼, 육, 칠, 팔, 십 …), Latin letters by their usual Korean reading: an acronym by its
letters' names (엘, 엠, 엔, 알), a word by its final sound.
"""

from __future__ import annotations

import re

_PAIRS = {
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "(으)로": ("으로", "로"),
}
_PAIR = re.compile("|".join(re.escape(p) for p in _PAIRS))
_CLOSING = "`*_~'\")]>"
# 0 영, 1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구: final consonant, and whether it is ㄹ.
_DIGITS = {
    "0": (True, False),
    "1": (True, True),
    "2": (False, False),
    "3": (True, False),
    "4": (False, False),
    "5": (False, False),
    "6": (True, False),
    "7": (True, True),
    "8": (True, True),
    "9": (False, False),
}
# The names of the letters that end in a consonant: 엘, 엠, 엔, 알.
_LETTER_NAMES = {"l": (True, True), "m": (True, False), "n": (True, False), "r": (True, True)}
_RIEUL = 8  # ㄹ among the final consonants of a Hangul syllable


def final_sound(word: str) -> tuple[bool, bool] | None:
    """(has a final consonant, that consonant is ㄹ) for the last readable part of `word`, or
    None when there is nothing to read (punctuation, an empty string)."""
    letters = [c for c in word if c.isalnum()]
    if not letters:
        return None
    last = letters[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return final != 0, final == _RIEUL
    if last in _DIGITS:
        return _number_sound(word)
    if not last.isascii():
        return None
    tail = re.search(r"[A-Za-z]+$", "".join(letters))
    run = tail.group(0) if tail else last
    if run.isupper() or len(run) == 1:
        return _LETTER_NAMES.get(run[-1].lower(), (False, False))
    return _english_sound(run.lower())


def _number_sound(word: str) -> tuple[bool, bool]:
    digits = re.search(r"\d+$", "".join(c for c in word if c.isalnum()))
    number = digits.group(0) if digits else "0"
    stripped = number.lstrip("0") or "0"
    if stripped != "0" and stripped.endswith("0"):
        return True, False  # 십, 백, 천, 만, 억: each ends in a consonant other than ㄹ
    return _DIGITS[stripped[-1]]


def _english_sound(word: str) -> tuple[bool, bool]:
    """The final sound of an English word as Korean writes it (down 다운, deploy 디플로이,
    pool 풀, team 팀, job 잡, check 체크, incident 인시던트, service 서비스)."""
    if word.endswith(("l", "le")) and not word.endswith(("ble", "ple", "tle")):
        return True, True
    if word.endswith(("m", "n", "ng")) or (word.endswith(("b", "p")) and len(word) > 2):
        return True, False
    return False, False


def attach_particles(text: str) -> str:
    """`text` with each written-out pair (`이(가)`, `(으)로` …) reduced to the particle that
    fits the word before it; a pair after nothing readable is left as written. Linear in the
    length of `text`: each pair looks back only at the word before it."""
    out: list[str] = []
    done = 0
    for match in _PAIR.finditer(text):
        start = match.start()
        out.append(text[done:start])
        done = match.end()
        particle = _particle(_word_before(text, start), match.group(0))
        out.append(particle if particle is not None else match.group(0))
    out.append(text[done:])
    return "".join(out)


def _word_before(text: str, end: int) -> str:
    """The word that ends at `end`, past closing marks (`*`, a backtick, `)`, `>`), up to
    80 characters back; a link gives its label."""
    stop = end
    while stop > 0 and text[stop - 1] in _CLOSING and end - stop < 8:
        stop -= 1
    begin = stop
    while (
        begin > 0 and not text[begin - 1].isspace() and text[begin - 1] != "(" and stop - begin < 80
    ):
        begin -= 1
    return text[begin:stop] + text[stop:end]


def _particle(word: str, pair: str) -> str | None:
    if word.startswith("<") and "|" in word:
        word = word.rsplit("|", 1)[1]  # a link shows its label
    elif word.startswith(("<@", "<!", "<#")):
        return None  # a mention: Slack shows a name that is not known here
    sound = final_sound(word)
    if sound is None:
        return None
    final, rieul = sound
    with_final, without = _PAIRS[pair]
    if pair == "(으)로":
        return with_final if final and not rieul else without
    return with_final if final else without
