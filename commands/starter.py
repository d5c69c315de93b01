"""`sre-bot init`: a working sre-bot.yml and the files it names, written into a folder.

The starter is the shipped example (examples/sre-bot.yml, with every feature on) in the
chosen language and time zone, beside copies of the guide's SLO specs, runbooks, alert
windows and SLI plugins, so that every path in it resolves from where it is written. Nothing
that already exists is overwritten: a file that is there is kept and said so.
"""

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.errors import ConfigError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CONFIG_NAME = "sre-bot.yml"
# What examples/sre-bot.yml names, relative to itself.
FOLDERS = ("slos", "windows", "slo_plugins", "runbooks")
LOCALES = ("en", "ko")
_LOCALE_LINE = re.compile(r"^(  locale: )\S+", re.M)
_TIMEZONE_LINE = re.compile(r"^(  timezone: )\S+", re.M)


@dataclass
class StarterResult:
    config: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already there, left as they were


def starter_config(locale: str, timezone: str, examples: Path = EXAMPLES) -> str:
    """The example configuration, in `locale` and `timezone`, comments kept."""
    if locale not in LOCALES:
        raise ConfigError(f"--locale: {locale!r} is not one of {', '.join(LOCALES)}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"--timezone: {timezone!r} is not an IANA time zone such as Asia/Seoul or UTC"
        ) from None
    text = (examples / CONFIG_NAME).read_text(encoding="utf-8")
    text, locales = _LOCALE_LINE.subn(rf"\g<1>{locale}", text, count=1)
    text, zones = _TIMEZONE_LINE.subn(rf"\g<1>{timezone}", text, count=1)
    if not (locales and zones):
        raise ConfigError(f"{examples / CONFIG_NAME}: no slack.locale or slack.timezone line")
    return text


def write_starter(
    folder: Path, *, locale: str = "ko", timezone: str = "Asia/Seoul", examples: Path = EXAMPLES
) -> StarterResult:
    if not (examples / CONFIG_NAME).is_file():
        raise ConfigError(f"the example configuration is missing: {examples / CONFIG_NAME}")
    text = starter_config(locale, timezone, examples)
    folder.mkdir(parents=True, exist_ok=True)
    result = StarterResult(config=folder / CONFIG_NAME)
    _write(result, folder / CONFIG_NAME, lambda target: target.write_text(text, "utf-8"))
    for name in FOLDERS:
        for source in sorted((examples / name).rglob("*")):
            if source.is_file() and "__pycache__" not in source.parts:
                target = folder / source.relative_to(examples)
                _write(result, target, partial(shutil.copyfile, source))
    return result


def _write(result: StarterResult, target: Path, make: Callable[[Path], object]) -> None:
    if target.exists():
        result.kept.append(target)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    make(target)
    result.written.append(target)
