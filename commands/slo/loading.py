"""Loading the SLOs of `slos:` in sre-bot.yml, from Sloth and OpenSLO spec files."""

from pathlib import Path

from commands.config import Config
from commands.errors import ConfigError
from commands.slo.alert_windows import load_catalog
from commands.slo.load_context import LoadContext
from commands.slo.openslo import read_openslo, read_openslo_v1alpha
from commands.slo.rules import slo_rules
from commands.slo.sli_plugins import load_sli_plugins
from commands.slo.sloth import KUBERNETES_V1, PROMETHEUS_V1, read_sloth
from commands.slo.spec_documents import SpecDocument, documents
from commands.slo.specs import SloSpec, parse_duration

SUPPORTED = (
    "Sloth version: prometheus/v1, Sloth apiVersion: sloth.slok.dev/v1 "
    "(kind: PrometheusServiceLevel), OpenSLO apiVersion: openslo/v1 or openslo/v1alpha"
)


def load_spec_file(path: Path, context: LoadContext | None = None) -> list[SloSpec]:
    context = context or LoadContext()
    specs: list[SloSpec] = []
    for doc in documents(path):
        specs.extend(_read(doc, context))
    for spec in specs:
        slo_rules(spec)  # the plugin chain refuses a bad SLO now, not when rules are asked for
    return specs


def _read(doc: SpecDocument, context: LoadContext) -> list[SloSpec]:
    if not isinstance(doc.data, dict):
        raise doc.fail((), f"must be a mapping ({SUPPORTED})")
    if "apiVersion" in doc.data:
        version = doc.text(("apiVersion",))
        if version == "openslo/v1":
            return read_openslo(doc, context)
        if version == "openslo/v1alpha":
            return read_openslo_v1alpha(doc, context)
        if version == "sloth.slok.dev/v1":
            kind = doc.text(("kind",))
            if kind != "PrometheusServiceLevel":
                raise doc.fail(("kind",), f"unsupported kind {kind!r} ({SUPPORTED})")
            return read_sloth(doc, context, KUBERNETES_V1)
        raise doc.fail(("apiVersion",), f"unsupported {version!r} ({SUPPORTED})")
    if "version" in doc.data:
        version = doc.text(("version",))
        if version != "prometheus/v1":
            raise doc.fail(("version",), f"unsupported {version!r} ({SUPPORTED})")
        return read_sloth(doc, context, PROMETHEUS_V1)
    raise doc.fail((), f"not an SLO spec ({SUPPORTED})")


def load_context(config: Config) -> LoadContext:
    folder = config.resolve_path(config.slo_plugins) if config.slo_plugins else None
    plugins = load_sli_plugins(folder, named_at=config.where(("slo_plugins",)))
    try:
        windows = load_catalog([config.resolve_path(p) for p in config.slos.alert_windows])
    except ConfigError as exc:
        where = config.where(("slos", "alert_windows"))
        raise ConfigError(f"{where}: slos.alert_windows: {exc}") from None
    return LoadContext(
        windows=windows,
        sli_plugins=plugins,
        sli_plugin_folder=folder,
        default_window=parse_duration(config.slos.default_window),
    )


def load_slos(config: Config) -> list[SloSpec]:
    """Every SLO of the spec files under `slos:`; a duplicate service/name is an error."""
    specs: list[SloSpec] = []
    seen: dict[str, str] = {}
    context = load_context(config)  # a bad alert_windows or slo_plugins is named even alone
    for index, entry in enumerate(config.slos.files):
        path = config.resolve_path(entry)
        if not path.is_file():
            where = config.where(("slos", "files", index), ("slos", index), ("slos",))
            raise ConfigError(f"{where}: slos: no such SLO spec file {path}")
        for spec in load_spec_file(path, context):
            if spec.key in seen:
                raise ConfigError(
                    f"{path}: SLO {spec.key} is defined twice (also in {seen[spec.key]})"
                )
            seen[spec.key] = str(path)
            specs.append(spec)
    return specs
