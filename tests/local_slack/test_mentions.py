"""Which commands Slack escapes comes from the app manifest."""

from pathlib import Path

from bot.local_slack.mentions import escape_mentions, escaped_commands
from bot.local_slack.workspace import Workspace


def test_the_manifest_escapes_oncall_only() -> None:
    assert escaped_commands() == frozenset({"/oncall"})


def test_a_missing_or_broken_manifest_escapes_nothing(tmp_path: Path) -> None:
    assert escaped_commands(tmp_path / "absent.yml") == frozenset()
    broken = tmp_path / "manifest.yml"
    broken.write_text("features: [unclosed")
    assert escaped_commands(broken) == frozenset()


def test_what_is_already_escaped_or_unknown_stays() -> None:
    ws = Workspace(channels=("incidents",), clock=lambda: 0.0)
    park = ws.ensure_user("U0456PARK", "park")
    text = f"<@{park.id}|park> email park@example.com @park@ @unknown #nowhere @U0456PARK"
    assert escape_mentions(text, ws) == (
        f"<@{park.id}|park> email park@example.com <@{park.id}|park>@ @unknown #nowhere @U0456PARK"
    )
