"""Runbook files: loading a folder, with clear errors (file, line, step and field) for a bad
file, which is skipped while the others still load."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from commands.errors import ConfigError
from commands.runbooks.spec import (
    KINDS,
    CommandStep,
    HealthCheckStep,
    HttpStep,
    PromqlStep,
    Runbook,
    step_name,
)
from commands.runbooks.templates import TemplateError, _for_request, template_names
from commands.yaml_lines import Lines, load_yaml


@dataclass(frozen=True)
class LoadedRunbook:
    runbook: Runbook
    raw: dict[str, Any]
    path: Path


@dataclass
class Catalog:
    runbooks: dict[str, LoadedRunbook] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return sorted(self.runbooks)


def _where(path: Path, lines: Lines, loc: tuple[Any, ...]) -> str:
    line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
    return f"{path}:{line}" if line else str(path)


def describe_error(raw: Any, error: Mapping[str, Any]) -> tuple[tuple[Any, ...], str]:
    loc = tuple(error["loc"])
    # Discriminated unions put the step kind in the location: steps.2.http.url.
    if len(loc) > 2 and loc[0] == "steps" and loc[2] in KINDS:
        loc = loc[:2] + loc[3:]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "union_tag_invalid":
        message = f"unknown step kind; the kinds are {', '.join(KINDS)}"
    elif error["type"] == "union_tag_not_found":
        message = f"the step has no `kind:` ({', '.join(KINDS)})"
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = raw.get("steps") if isinstance(raw, dict) else None
        named = ""
        if isinstance(steps, list) and loc[1] < len(steps) and isinstance(steps[loc[1]], dict):
            named = str(steps[loc[1]].get("name") or "")
        what = f"step {loc[1] + 1}" + (f" ({named!r})" if named else "")
        rest = ".".join(str(p) for p in loc[2:])
        return loc, f"{what}" + (f", field {rest}" if rest else "") + f": {message}"
    key = ".".join(str(p) for p in loc) or "(top level)"
    return loc, f"field {key}: {message}"


def _check_templates(runbook: Runbook) -> list[str]:
    """Chat-typed fields used where they could reach a request: refused at load time."""
    problems = []
    for index, step in enumerate(runbook.steps):
        places: list[str] = []
        if isinstance(step, HttpStep | HealthCheckStep):
            places = [step.url, *step.headers.keys(), *step.headers.values()]
            if isinstance(step, HttpStep):
                places.append(repr(step.body))
        elif isinstance(step, PromqlStep):
            places = [step.query]
        elif isinstance(step, CommandStep):
            places = list(step.argv)
        for place in places:
            for name in template_names(place):
                try:
                    _for_request(name)
                except TemplateError as exc:
                    problems.append(f"step {index + 1} ({step_name(step, index)!r}): {exc}")
        if isinstance(step, HttpStep | HealthCheckStep):
            for header in step.headers:
                if template_names(header):
                    problems.append(
                        f"step {index + 1}: header names cannot be templates ({header!r})"
                    )
    return problems


def load_file(path: Path, *, allow_commands: bool) -> LoadedRunbook:
    """One runbook file; ConfigError naming file, line, step and field when it is bad."""
    raw = load_yaml(path, expand=False).data
    try:
        located = load_yaml(path)  # expands ${VAR}: an unset variable is named here
    except ConfigError:
        raise
    try:
        runbook = Runbook.model_validate(located.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc, text = describe_error(located.data, dict(error))
            problems.append(f"{_where(path, located.lines, loc)}: {text}")
        raise ConfigError("\n".join(problems)) from None
    problems = [f"{path}: {p}" for p in _check_templates(runbook)]
    if not allow_commands:
        for index, step in enumerate(runbook.steps):
            if isinstance(step, CommandStep):
                where = _where(path, located.lines, ("steps", index))
                problems.append(
                    f"{where}: step {index + 1} ({step_name(step, index)!r}) is a `command` "
                    "step, and command steps are off; set `runbooks: {allow_commands: true}` "
                    "in sre-bot.yml to allow them"
                )
    if problems:
        raise ConfigError("\n".join(problems))
    return LoadedRunbook(runbook, raw, path)


def load_folder(
    folder: Path | None, *, allow_commands: bool = False, named_at: str = ""
) -> Catalog:
    """Every `*.yml`/`*.yaml` file of the folder; bad files are reported and skipped.
    `named_at` is where the configuration names the folder (`sre-bot.yml:156`)."""
    catalog = Catalog()
    if folder is None:
        return catalog
    if not folder.is_dir():
        where = f"{named_at}: runbooks: " if named_at else ""
        catalog.errors.append(f"{where}{folder}: the runbooks folder does not exist")
        return catalog
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    for path in files:
        try:
            loaded = load_file(path, allow_commands=allow_commands)
        except ConfigError as exc:
            catalog.errors.append(str(exc))
            continue
        name = loaded.runbook.name
        if name in catalog.runbooks:
            catalog.errors.append(
                f"{path}: runbook name {name!r} is already used by "
                f"{catalog.runbooks[name].path.name}; names must be unique"
            )
            continue
        catalog.runbooks[name] = loaded
    return catalog
