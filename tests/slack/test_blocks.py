"""Cutting and fitting text to Slack's limits, as Slack counts: UTF-16 code units."""

from hypothesis import given
from hypothesis import strategies as st

from bot.local_slack.blockkit import check_message
from bot.slack.blocks import (
    ELLIPSIS,
    blocks_units,
    button,
    code,
    cut,
    escape,
    fit,
    line_sections,
    message,
    mrkdwn,
    units,
)
from bot.slack.limits import BLOCKS_TEXT_MAX, MESSAGE_TEXT_MAX

# Text people type and tools send: Korean, emoji (outside the BMP: two units each), joiners,
# combining marks, markup characters and line breaks.
HOSTILE = st.lists(
    st.sampled_from(
        ["a", " ", "\n", "&", "<", ">", "한", "글", "🔥", "👩‍💻", "\u200d", "e\u0301", "*", "`"]
    ),
    max_size=400,
).map("".join)


def test_units_are_utf16_code_units() -> None:
    assert units("🔥") == 2 and len("🔥") == 1
    assert units("한국어") == 3


def test_cut_counts_emoji_twice_and_never_splits_a_pair() -> None:
    assert cut("🔥" * 100, 150) == "🔥" * 74 + ELLIPSIS
    assert units(cut("🔥" * 100, 150)) == 149
    assert cut("a" + "🔥" * 10, 3) == "a" + ELLIPSIS  # not half of the second emoji


def test_cut_never_leaves_half_an_escape_or_a_mention() -> None:
    assert cut("ab&amp;cd", 5) == "ab" + ELLIPSIS
    assert cut("see <@U0ALICE> now", 10) == "see" + ELLIPSIS
    assert cut("<https://example.com/x|dashboard> and more", 20) == ELLIPSIS
    assert cut("<@U0ALICE> then more text", 11) == "<@U0ALICE>" + ELLIPSIS


def test_cut_by_lines_loses_whole_lines() -> None:
    text = "\n".join(f"line {i}" for i in range(10))
    assert cut(text, 30, lines=True) == "line 0\nline 1\nline 2\nline 3" + ELLIPSIS
    assert cut(text, 30) == "line 0\nline 1\nline 2\nline 3\nl" + ELLIPSIS


@given(HOSTILE, st.integers(min_value=1, max_value=200))
def test_cut_is_within_the_limit_by_both_counts(text: str, limit: int) -> None:
    shortened = cut(text, limit)
    assert units(shortened) <= limit and len(shortened) <= limit
    shortened.encode("utf-8")  # no lone surrogate
    assert shortened == text or shortened.endswith(ELLIPSIS)


@given(HOSTILE)
def test_escaped_then_cut_text_never_ends_mid_escape(text: str) -> None:
    shortened = cut(escape(text), 50)
    tail = shortened[shortened.rfind("&") :] if "&" in shortened else ""
    assert not tail or ";" in tail


def test_line_sections_split_between_lines_within_the_limit() -> None:
    lines = [f"{i:03d} " + "x" * 96 for i in range(100)]  # 100 lines of 100
    sections = line_sections(lines)
    assert [len(s["text"]["text"].split("\n")) for s in sections] == [29, 29, 29, 13]
    assert all(units(s["text"]["text"]) <= 3000 for s in sections)
    joined = "\n".join(s["text"]["text"] for s in sections)
    assert joined.split("\n") == lines
    assert units(line_sections(["🔥" * 2000])[0]["text"]["text"]) <= 3000


def test_code_escapes_before_cutting() -> None:
    block = code("<&>" * 2000)
    assert units(block) <= 3000
    assert block.startswith("```\n&lt;&amp;&gt;") and block.endswith(ELLIPSIS + "\n```")


def _sections(count: int, size: int) -> list[dict]:
    return [{"type": "section", "text": mrkdwn(f"{i}:" + "y" * size, 3000)} for i in range(count)]


def test_fit_leaves_a_message_within_limits_untouched() -> None:
    original = {"text": "t", "blocks": _sections(3, 100)}
    assert fit(original) is original


def test_fit_cuts_the_longest_sections_first() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Digest"}},
        {"type": "section", "text": mrkdwn("owner: <@U0ALICE>")},
        *_sections(5, 2900),
        {"type": "actions", "elements": [button("Acknowledge", "ack", "1")]},
    ]
    fitted = fit({"text": "t", "blocks": blocks})["blocks"]
    assert blocks_units(fitted) <= BLOCKS_TEXT_MAX
    assert fitted[1]["text"]["text"] == "owner: <@U0ALICE>"  # short ones stay whole
    assert all(b["text"]["text"].endswith(ELLIPSIS) for b in fitted[2:7])
    assert fitted[-1] == blocks[-1]  # the buttons stay
    assert blocks[2]["text"]["text"].endswith("y")  # the builder's blocks are not changed
    check_message("t", fitted)


def test_fit_keeps_the_buttons_when_there_are_too_many_blocks() -> None:
    actions = {"type": "actions", "elements": [button("Acknowledge", "ack", "1")]}
    fitted = fit({"text": "t", "blocks": [*_sections(70, 10), actions]})["blocks"]
    assert len(fitted) == 50
    assert fitted[-1] == actions
    assert fitted[-2]["type"] == "context" and "+22" in fitted[-2]["elements"][0]["text"]
    check_message("t", fitted)


def test_message_cuts_text_to_slacks_limit() -> None:
    built = message("line\n" * 20_000)
    assert units(built["text"]) <= MESSAGE_TEXT_MAX and "blocks" not in built
    check_message(built["text"], None)


@given(st.lists(HOSTILE, min_size=1, max_size=60))
def test_fit_makes_any_list_of_sections_acceptable_to_slack(texts: list[str]) -> None:
    blocks = [{"type": "section", "text": mrkdwn(escape(t * 8) or "-")} for t in texts]
    fitted = fit({"text": "t", "blocks": blocks})
    check_message(fitted["text"], fitted["blocks"])
