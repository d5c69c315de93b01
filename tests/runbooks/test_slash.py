"""`/runbook` text: what was wrong is named, as `/incident` and `/oncall` name it."""

import pytest

from bot.i18n import Translator
from bot.slack.common import failure_text
from commands.runbooks.slash import RunbookUsage, parse_runbook_command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("help", "", False)),
        ("list", ("list", "", False)),
        ("ls", ("list", "", False)),
        ("run qwen_failure_downshift", ("run", "qwen_failure_downshift", False)),
        ("run qwen_failure_downshift --dry-run", ("run", "qwen_failure_downshift", True)),
        ("run --dry-run qwen_failure_downshift", ("run", "qwen_failure_downshift", True)),
    ],
)
def test_valid_text(text: str, expected: tuple[str, str, bool]) -> None:
    assert parse_runbook_command(text) == expected


@pytest.mark.parametrize(
    ("text", "key", "shown"),
    [
        ("lsit", "runbook.unknown_sub_near", "did you mean `/runbook list`?"),
        ("rnu qwen", "runbook.unknown_sub_near", "did you mean `/runbook run`?"),
        ("explode", "runbook.unknown_sub", "Unknown sub-command `explode`"),
        ("run qwen --dryrun", "runbook.unknown_option", "`--dryrun` is not an option"),
        ("run", "runbook.missing_name", "needs the runbook's name"),
        ("run a b", "runbook.extra_words", "one runbook name, not `a b`"),
        ("run ../etc/passwd", "runbook.bad_name", "`../etc/passwd` is not a runbook name"),
    ],
)
def test_what_was_wrong_is_named(text: str, key: str, shown: str) -> None:
    with pytest.raises(RunbookUsage) as raised:
        parse_runbook_command(text)
    assert raised.value.key == key
    assert shown in failure_text(Translator("en"), raised.value)
    korean = failure_text(Translator("ko"), raised.value)
    assert "(를)" not in korean and "(는)" not in korean and "(가)" not in korean
