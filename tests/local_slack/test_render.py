"""Block Kit rendered as terminal text."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.local_slack.render import (
    DIVIDER,
    mrkdwn,
    render_block,
    render_blocks,
    render_message,
    text_of,
)

NAMES = {"U0002": "alice", "U0003": "민수", "C0001": "incidents"}


def names(object_id: str) -> str | None:
    return NAMES.get(object_id)


class Counter:
    """Numbers buttons across messages, like the terminal does."""

    def __init__(self) -> None:
        self.pressed: dict[int, tuple[str | None, str]] = {}

    def __call__(self, block_id: str | None, element: dict[str, Any]) -> int:
        n = len(self.pressed) + 1
        self.pressed[n] = (block_id, element["action_id"])
        return n


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def md(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def button(label: str, action_id: str, **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": plain(label), "action_id": action_id, **extra}


INCIDENT = [
    {"type": "header", "text": plain("🔴 SEV2 · Qwen LLM 장애")},
    {
        "type": "section",
        "text": md("*크리에이티브 모드 실패* — 담당 <@U0003>"),
        "fields": [md("*Severity*\nSEV2"), md("*Commander*\n<@U0002>")],
        "accessory": button("Runbook", "runbook", url="https://wiki.example/rb"),
    },
    {"type": "context", "elements": [md("Declared in <#C0001> by <@U0002>"), plain("10:30")]},
    {"type": "divider"},
    {
        "type": "actions",
        "block_id": "incident_actions",
        "elements": [
            button("Acknowledge", "incident_acknowledge", value="42", style="primary"),
            button("Resolve", "incident_resolve", value="42", style="danger"),
        ],
    },
]


def test_mrkdwn_mentions_links_and_escapes() -> None:
    text = (
        "<@U0002> paged <@U0099|bob> in <#C0001> and <#C0777|ops>: <!here> "
        "see <https://status.example/x?a=1&amp;b=2|status page> or <https://plain.example> "
        "&lt;b&gt; &amp; <!subteam^S01|@sre-oncall> <mailto:a@b.example|a@b.example> "
        "<!date^1392734382^{date_short}|Feb 18, 2014>"
    )
    assert mrkdwn(text, names) == (
        "@alice paged @bob in #incidents and #ops: @here "
        "see status page (https://status.example/x?a=1&b=2) or https://plain.example "
        "<b> & @sre-oncall a@b.example Feb 18, 2014"
    )


def test_mrkdwn_without_a_name_lookup_shows_ids() -> None:
    assert mrkdwn("<@U0002> <#C0001> <!channel>") == "@U0002 #C0001 @channel"


@given(st.text().filter(lambda s: "<" not in s and "&" not in s))
def test_text_without_markup_is_unchanged(text: str) -> None:
    assert mrkdwn(text, names) == text


def test_plain_text_objects_are_not_parsed() -> None:
    assert text_of(plain("<@U0002> &amp;"), names) == "<@U0002> &amp;"
    assert text_of(md("<@U0002> &amp;"), names) == "@alice &"


def test_incident_message_with_korean_text_and_numbered_buttons() -> None:
    counter = Counter()
    lines = render_blocks(INCIDENT, names=names, number=counter)
    assert lines == [
        "== 🔴 SEV2 · Qwen LLM 장애 ==",
        "*크리에이티브 모드 실패* — 담당 @민수",
        "*Severity*  SEV2",
        "*Commander*  @alice",
        "[1] Runbook (https://wiki.example/rb)",
        "Declared in #incidents by @alice  10:30",
        DIVIDER,
        "[2] Acknowledge  [3] Resolve",
    ]
    assert counter.pressed == {
        1: (None, "runbook"),
        2: ("incident_actions", "incident_acknowledge"),
        3: ("incident_actions", "incident_resolve"),
    }


def test_numbering_continues_across_messages() -> None:
    counter = Counter()
    render_message("", INCIDENT, names=names, number=counter)
    second = render_message("", INCIDENT[-1:], names=names, number=counter)
    assert second == ["[4] Acknowledge  [5] Resolve"]


def test_buttons_without_a_numberer_show_their_label() -> None:
    assert render_block(INCIDENT[-1]) == ["[Acknowledge]  [Resolve]"]


def test_text_only_message_renders_its_text() -> None:
    assert render_message("Resolved by <@U0002>\n두 번째 줄", names=names) == [
        "Resolved by @alice",
        "두 번째 줄",
    ]


def test_blocks_win_over_the_fallback_text_and_files_are_listed() -> None:
    lines = render_message(
        "fallback",
        [{"type": "section", "text": plain("body")}],
        files=[{"name": "timeline.md", "title": "Timeline", "size": 12}],
    )
    assert lines == ["body", "[file: Timeline (timeline.md, 12 bytes)]"]


def test_input_blocks_show_label_element_and_hint() -> None:
    title = {
        "type": "input",
        "label": plain("제목"),
        "hint": plain("What is broken?"),
        "element": {"type": "plain_text_input", "placeholder": plain("Qwen LLM 장애")},
    }
    severity = {
        "type": "input",
        "optional": True,
        "label": plain("Severity"),
        "element": {
            "type": "static_select",
            "options": [
                {"text": plain("SEV1"), "value": "1"},
                {"text": plain("SEV2"), "value": "2"},
            ],
        },
    }
    notes = {
        "type": "input",
        "label": plain("Notes"),
        "element": {"type": "plain_text_input", "multiline": True},
    }
    assert render_blocks([title, severity, notes]) == [
        "제목",
        "  [text: Qwen LLM 장애]",
        "  What is broken?",
        "Severity (optional)",
        "  [static_select: SEV1 | SEV2]",
        "Notes",
        "  [multi-line text]",
    ]


def test_selects_and_other_elements_in_actions() -> None:
    block = {
        "type": "actions",
        "elements": [
            {
                "type": "static_select",
                "action_id": "sev",
                "placeholder": plain("Severity"),
            },
            {
                "type": "overflow",
                "action_id": "more",
                "options": [{"text": plain("Edit"), "value": "e"}],
            },
            {"type": "datepicker", "action_id": "d", "initial_date": "2026-01-05"},
        ],
    }
    assert render_block(block) == ["[Severity ▾]  [⋯ Edit]  [date: 2026-01-05]"]


def test_rich_text_minimal() -> None:
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "담당: "},
                    {"type": "user", "user_id": "U0003"},
                    {"type": "text", "text": " in "},
                    {"type": "channel", "channel_id": "C0001"},
                    {"type": "emoji", "name": "fire"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "ordered",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "롤백"}]},
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "link", "url": "https://x.example", "text": "대시보드"}
                        ],
                    },
                ],
            },
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "quoted"}]},
            {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "kubectl"}]},
        ],
    }
    assert render_block(block, names=names) == [
        "담당: @민수 in #incidents:fire:",
        "1. 롤백",
        "2. 대시보드 (https://x.example)",
        "> quoted",
        "```",
        "kubectl",
        "```",
    ]


def test_unknown_blocks_are_named() -> None:
    assert render_block({"type": "table"}) == ["[table block]"]
