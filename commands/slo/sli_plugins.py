"""SLI plugins declared in YAML: what a Sloth `sli.plugin: {id, options}` expands to.

Sloth runs SLI plugins as Go code; sre-bot runs no code from a spec folder. A team declares
each plugin as a small YAML file in the `slo_plugins:` folder instead:

    id: getting_started_availability
    options:
      job: {required: true}
      filter: {default: "", form: label_filter}
    required_labels: [owner, tier]
    error_ratio_query: |          # or error_query + total_query
      sum(rate(http_requests_total{ {{.filter}}job="{{.job}}",code=~"5.." }[{{.window}}]))
      /
      sum(rate(http_requests_total{ {{.filter}}job="{{.job}}" }[{{.window}}]))

In the queries, `{{.NAME}}` is an option's value, `{{.service}}`, `{{.slo}}` and
`{{.objective}}` describe the SLO, and `{{.window}}` stays for the rule windows. An option
of form `label_filter` takes `a="b",c="d"` (braces and a trailing comma optional) and is
written with one trailing comma, ready to go before other matchers.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commands.errors import ConfigError
from commands.slo.spec_documents import SpecDocument, documents
from commands.slo.specs import WINDOW_VARIABLE, SliQueries

_VARIABLE = re.compile(r"{{ *\.([A-Za-z_][A-Za-z0-9_]*) *}}")
_FILTER = re.compile(r'^([^=]+="[^=,"]+",)+$')
_META = ("service", "slo", "objective")
_FORMS = ("text", "label_filter")


@dataclass(frozen=True)
class PluginOption:
    required: bool = False
    default: str = ""
    form: str = "text"
    pattern: str = ""


@dataclass(frozen=True)
class SliPlugin:
    id: str
    options: dict[str, PluginOption]
    queries: dict[str, str]  # error_ratio_query, or error_query and total_query
    required_labels: tuple[str, ...] = ()
    source: str = ""
    description: str = field(default="", compare=False)

    def expand(
        self, options: dict[str, str], labels: dict[str, str], meta: dict[str, str]
    ) -> SliQueries:
        """The SLI of one SLO; a ValueError names what the options or labels lack."""
        for key in options:
            if key not in self.options:
                known = ", ".join(sorted(self.options)) or "none"
                raise ValueError(f"plugin {self.id!r} has no option {key!r} (options: {known})")
        for name in self.required_labels:
            if not labels.get(name):
                raise ValueError(f"plugin {self.id!r} needs the SLO label {name!r}")
        values = dict(meta)
        for name, option in self.options.items():
            value = options.get(name)
            if value is None:
                if option.required:
                    raise ValueError(f"plugin {self.id!r} needs the option {name!r}")
                value = option.default
            values[name] = _shaped(self.id, name, option, str(value))

        def fill(template: str) -> str:
            return _VARIABLE.sub(lambda m: m[0] if m[1] == "window" else values[m[1]], template)

        if "error_ratio_query" in self.queries:
            return SliQueries("raw", ratio_query=fill(self.queries["error_ratio_query"]))
        return SliQueries(
            "events",
            error_query=fill(self.queries["error_query"]),
            total_query=fill(self.queries["total_query"]),
        )


def _shaped(plugin: str, name: str, option: PluginOption, value: str) -> str:
    if option.form == "label_filter" and value:
        value = value.strip().strip("{}").strip(",") + ","
        if not _FILTER.match(value):
            raise ValueError(
                f"plugin {plugin!r} option {name!r}: {value!r} is not a label filter "
                'such as a="b",c="d"'
            )
    if option.pattern and not re.fullmatch(option.pattern, value):
        raise ValueError(
            f"plugin {plugin!r} option {name!r}: {value!r} does not match {option.pattern}"
        )
    return value


def load_sli_plugins(folder: Path | None, *, named_at: str = "") -> dict[str, SliPlugin]:
    """Every plugin definition of the folder; `named_at` is where the configuration names it
    (`sre-bot.yml:64`)."""
    if folder is None:
        return {}
    if not folder.is_dir():
        where = f"{named_at}: " if named_at else ""
        raise ConfigError(f"{where}slo_plugins: no such folder of SLI plugin definitions {folder}")
    plugins: dict[str, SliPlugin] = {}
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml")):
        for doc in documents(path):
            plugin = read_sli_plugin(doc)
            if plugin.id in plugins:
                raise ConfigError(
                    f"{path}: SLI plugin {plugin.id!r} is defined twice "
                    f"(also in {plugins[plugin.id].source})"
                )
            plugins[plugin.id] = plugin
    return plugins


def read_sli_plugin(doc: SpecDocument) -> SliPlugin:
    fields = {
        "id",
        "description",
        "options",
        "required_labels",
        "error_ratio_query",
        "error_query",
        "total_query",
    }
    root = doc.mapping((), fields, {"id"})
    plugin_id = doc.text(("id",))
    options: dict[str, PluginOption] = {}
    raw_options = root.get("options") or {}
    if not isinstance(raw_options, dict):
        raise doc.fail(("options",), "must map option names to their settings")
    for name in raw_options:
        at: tuple[Any, ...] = ("options", name)
        if name in (*_META, "window") or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", str(name)):
            raise doc.fail(at, f"{name!r} cannot be an option name")
        setting = doc.mapping(at, {"required", "default", "form", "pattern"})
        form = str(setting.get("form") or "text")
        if form not in _FORMS:
            raise doc.fail((*at, "form"), f"must be one of {', '.join(_FORMS)}")
        if setting.get("pattern"):
            try:
                re.compile(str(setting["pattern"]))
            except re.error as exc:
                raise doc.fail((*at, "pattern"), f"not a regular expression ({exc})") from None
        options[str(name)] = PluginOption(
            required=bool(setting.get("required", False)),
            default=doc.text((*at, "default"), required=False),
            form=form,
            pattern=str(setting.get("pattern") or ""),
        )
    labels = root.get("required_labels") or []
    if not isinstance(labels, list):
        raise doc.fail(("required_labels",), "must be a list of label names")
    has_raw = "error_ratio_query" in root
    has_events = "error_query" in root or "total_query" in root
    if has_raw == has_events:
        raise doc.fail((), "give error_ratio_query, or error_query and total_query")
    names = ("error_ratio_query",) if has_raw else ("error_query", "total_query")
    queries = {}
    for name in names:
        query = doc.text((name,))
        if not WINDOW_VARIABLE.search(query):
            raise doc.fail((name,), "the query must use {{.window}} as its range")
        for variable in _VARIABLE.findall(query):
            if variable not in (*options, *_META, "window"):
                raise doc.fail(
                    (name,),
                    f"{{{{.{variable}}}}} is neither an option nor "
                    "service, slo, objective or window",
                )
        queries[name] = query
    return SliPlugin(
        id=plugin_id,
        options=options,
        queries=queries,
        required_labels=tuple(str(x) for x in labels),
        source=str(doc.path),
        description=doc.text(("description",), required=False),
    )
