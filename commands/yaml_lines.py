"""Reading YAML files people write: the line of every key (to name it in an error), and
`${VAR}` / `${VAR:-default}` from the environment."""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from commands.errors import ConfigError

# The line of every key of a YAML document, by its path (("slos", 0, "name") -> 12).
Lines = dict[tuple[str | int, ...], int]

ENV_PATTERN = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(value: str, environ: Mapping[str, str] = os.environ) -> str:
    """Expand `${VAR}` and `${VAR:-default}`; `$$` is a literal dollar sign."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        found = environ.get(name)
        if found not in (None, ""):
            return found
        if default is not None:
            return default
        raise KeyError(name)

    return ENV_PATTERN.sub(replace, value)


@dataclass(frozen=True)
class Located:
    data: Any
    lines: dict[tuple[str | int, ...], int]


def located(
    root: yaml.Node, path: Path, *, expand: bool = True
) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """A composed YAML document's data, and the line of every key (to name it in errors);
    `${VAR}` in scalars is expanded unless `expand` is False."""
    lines: dict[tuple[str | int, ...], int] = {}
    constructor = yaml.SafeLoader("")

    def build(node: yaml.Node, at: tuple[str | int, ...]) -> Any:
        lines.setdefault(at, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in out:  # YAML would keep the last silently: say which one counts
                    dotted = ".".join(str(p) for p in (*at, key))
                    raise ConfigError(
                        f"{path}:{line}: {dotted}: given twice (first on line "
                        f"{lines[(*at, key)]}); keep one"
                    )
                lines[(*at, key)] = line
                out[key] = build(value_node, (*at, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*at, i)) for i, item in enumerate(node.value)]
        value = constructor.construct_object(node, deep=True)
        if isinstance(value, str) and expand:
            try:
                return expand_env(value)
            except KeyError as missing:
                dotted = ".".join(str(p) for p in at)
                raise ConfigError(
                    f"{path}:{node.start_mark.line + 1}: {dotted}: environment variable "
                    f"{missing.args[0]} is not set; set it or write ${{{missing.args[0]}:-default}}"
                ) from None
        return value

    return build(root, ()), lines


def load_yaml(path: Path, *, expand: bool = True) -> Located:
    """Parse YAML keeping the line of every key, and expand `${VAR}` in scalars (unless
    `expand` is False: runbooks keep `${SECRET}` unexpanded until a step uses it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: not valid YAML ({problem})") from exc
    data, lines = located(root, path, expand=expand) if root is not None else ({}, {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys such as 'slack:'")
    return Located(data, lines)


def describe(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")
