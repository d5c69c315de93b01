import ast
import pathlib
import re
import string
import typing
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import CATALOG
from bot.slack.oncall.command import HELP_TOPICS
from bot.slack.oncall.views import CHECKLIST
from commands.incidents.severity import SEVERITY_NAMES, Status
from commands.notices import Template
from commands.oncall.config import EscalationStep
from commands.oncall.rotation import WEEKDAY, WEEKEND
from commands.runbooks.spec import Runbook
from commands.runbooks.states import RunState
from commands.slo.budget import SloStatus


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


# --- every key the code names is in the catalog ----------------------------------------------

_KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
_PREFIXES = {key.split(".")[0] for key in CATALOG}
# Strings shaped like keys that are not message keys: outbox templates, the variables a
# runbook template may use, and a prefix matched with startswith.
_NOT_KEYS = {t.value for t in Template} | {
    "incident.title",
    "incident.description",
    "incident.root_cause",
    "incident.resolution",
    "error.oncall",
}
# Keys built at run time, as `prefix{}suffix`, with every value the code can put in.
RUNTIME_KEYS: dict[str, tuple[str, ...]] = {
    "status.{}": tuple(s.value for s in Status),
    "usage.arg.{}": ("id", "severity", "title", "status", "text", "url", "days"),
    "field.{}": ("root_cause", "resolution", "note"),
    "duration.{}": ("d", "h", "m", "s"),
    "runbook.state.{}": tuple(s.value for s in RunState),
    "done.{}": ("root_cause", "resolution", "note"),
    "slo.status.{}": tuple(s.value for s in SloStatus),
    "severity.{}": SEVERITY_NAMES,
    "runbook.event.{}": (
        "started",
        "approved",
        "rejected",
        "expired",
        "approval_needed",
        "interrupted",
        "resumed",
        "abandoned",
        "succeeded",
        "failed",
    ),
    "timeline.{}": ("root_cause", "resolution", "note"),
    "runbook.decided.{}": ("approved", "rejected"),
    "runbook.automation.{}": typing.get_args(Runbook.model_fields["automation"].annotation),
    "runbook.{}_by": ("approved", "rejected"),
    "oncall.help.{}": HELP_TOPICS,
    "remind.ack.{}": typing.get_args(EscalationStep.model_fields["notify"].annotation),
    "oncall.kind.{}": ("swap", "cover"),
    "oncall.shift.{}": (WEEKDAY, WEEKEND),
    "handoff.check.{}": CHECKLIST,
    "health.state.{}": ("healthy", "unhealthy", "failing", "unknown"),
    "slo.change.{}": ("warning", "exhausted", "healthy"),
}


def _sources() -> list[tuple[pathlib.Path, ast.AST]]:
    root = pathlib.Path(__file__).resolve().parent.parent
    files = sorted([*(root / "bot").rglob("*.py"), *(root / "commands").rglob("*.py")])
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in files]


def _template(node: ast.JoinedStr) -> str | None:
    """`f"runbook.{state}_by"` as `runbook.{}_by`, when it is shaped like a catalog key."""
    parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
    text = "".join(str(p) for p in parts)
    if text.count("{}") != 1 or not re.match(r"^[a-z_]+\.", text):
        return None
    return text if text.split(".")[0] in _PREFIXES else None


def test_every_catalog_key_the_code_names_exists_in_both_languages():
    literal: dict[str, str] = {}
    built: dict[str, str] = {}
    arguments: set[str] = set()
    for path, tree in _sources():
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _KEY.match(node.value) and node.value.split(".")[0] in _PREFIXES:
                    literal.setdefault(node.value, where)
            elif isinstance(node, ast.JoinedStr) and (template := _template(node)):
                built.setdefault(template, where)
            elif isinstance(node, ast.Call):  # what a usage error says is missing
                named = getattr(node.func, "id", "")
                values = [k.value for k in node.keywords if k.arg == "what"]
                if named == "_missing" and len(node.args) == 2:
                    values.append(node.args[1])
                arguments |= {v.value for v in values if isinstance(v, ast.Constant)}
    missing = [
        f"{key} ({where})"
        for key, where in literal.items()
        if key not in CATALOG
        and key not in _NOT_KEYS
        and not any(k.startswith(key + ".") for k in CATALOG)  # a prefix, like "usage.arg"
    ]
    assert missing == []
    assert set(built) == set(RUNTIME_KEYS), "list the values of each key built at run time"
    expanded = [t.format(v) for t, values in RUNTIME_KEYS.items() for v in values]
    assert [key for key in expanded if key not in CATALOG] == []
    assert arguments and arguments <= set(RUNTIME_KEYS["usage.arg.{}"])
    for key in [*literal, *expanded]:
        if key in CATALOG:
            assert set(CATALOG[key]) == {"en", "ko"}, key
