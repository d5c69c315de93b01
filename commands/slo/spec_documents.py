"""An SLO spec file's YAML documents, which know the line of every key: to name the file,
line and field of any problem, and to read fields strictly."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from commands.errors import ConfigError
from commands.slo.specs import WINDOW_PLACEHOLDER, parse_duration
from commands.yaml_lines import Lines, located


class SpecDocument:
    """A parsed YAML document that knows where its keys are, to name them in errors."""

    def __init__(self, path: Path, data: Any, lines: Lines) -> None:
        self.path, self.data, self.lines = path, data, lines

    def fail(self, at: tuple[Any, ...], problem: str) -> ConfigError:
        line = next((self.lines[at[:n]] for n in range(len(at), -1, -1) if at[:n] in self.lines), 0)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {dotted(at) or '(top level)'}: {problem}")

    def get(self, at: tuple[Any, ...]) -> Any:
        value = self.data
        for part in at:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def mapping(
        self,
        at: tuple[Any, ...],
        allowed: set[str],
        required: frozenset[str] | set[str] = frozenset(),
    ) -> dict[str, Any]:
        value = self.get(at)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.fail(at, "must be a mapping")
        for key in value:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail((*at, key), f"unsupported field (supported here: {known})")
        for key in sorted(required):
            if value.get(key) in (None, ""):
                raise self.fail((*at, key), "required field is missing")
        return value

    def text(self, at: tuple[Any, ...], *, required: bool = True) -> str:
        value = self.get(at)
        if value is None or value == "":
            if required:
                raise self.fail(at, "required field is missing")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(at, "must be text")
        return str(value)

    def labels(self, at: tuple[Any, ...]) -> dict[str, str]:
        value = self.get(at)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(at, "must be a mapping of label names to values")
        out: dict[str, str] = {}
        for key, item in value.items():
            if not re.match(r"^[a-zA-Z_][a-zA-Z0-9_]*$", str(key)):
                raise self.fail((*at, key), "not a valid Prometheus label name")
            if isinstance(item, dict | list) or item is None:
                raise self.fail((*at, key), "a label value must be text")
            out[str(key)] = str(item).lower() if isinstance(item, bool) else str(item)
        return out

    def duration(self, at: tuple[Any, ...], default: str) -> timedelta:
        value = self.get(at)
        try:
            window = parse_duration(default if value is None else str(value))
        except ValueError as exc:
            raise self.fail(at, str(exc)) from None
        if not timedelta(hours=1) <= window <= timedelta(days=400):
            raise self.fail(at, "must be between 1h and 400d")
        return window


def dotted(at: tuple[Any, ...]) -> str:
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def documents(path: Path) -> list[SpecDocument]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the SLO spec file ({exc.strerror})") from exc
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    documents = []
    for root in nodes:
        if root is not None:
            data, lines = located(root, path, expand=False)
            documents.append(SpecDocument(path, data, lines))
    if not documents:
        raise ConfigError(f"{path}: the SLO spec file is empty")
    return documents


def check_window_query(doc: SpecDocument, at: tuple[Any, ...], query: str) -> str:
    if WINDOW_PLACEHOLDER not in query:
        raise doc.fail(at, "the query must use {{.window}} as its range, e.g. [{{.window}}]")
    return query.strip()
