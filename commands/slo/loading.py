"""Loading the SLOs of `slos:` in sre-bot.yml, from Sloth and OpenSLO spec files."""

from pathlib import Path

from commands.config import Config
from commands.errors import ConfigError
from commands.slo.openslo import read_openslo
from commands.slo.sloth import read_sloth
from commands.slo.spec_documents import documents
from commands.slo.specs import SloSpec


def load_spec_file(path: Path) -> list[SloSpec]:
    specs: list[SloSpec] = []
    for doc in documents(path):
        if not isinstance(doc.data, dict):
            raise doc.fail((), "must be a mapping (a Sloth or OpenSLO spec)")
        if "apiVersion" in doc.data:
            version = doc.text(("apiVersion",))
            if version != "openslo/v1":
                raise doc.fail(("apiVersion",), f"unsupported {version!r} (use openslo/v1)")
            specs.extend(read_openslo(doc))
        elif "version" in doc.data:
            version = doc.text(("version",))
            if version != "prometheus/v1":
                raise doc.fail(
                    ("version",), f"unsupported {version!r} (Sloth prometheus/v1 is read)"
                )
            specs.extend(read_sloth(doc))
        else:
            raise doc.fail(
                (), "not an SLO spec: expected version: prometheus/v1 or apiVersion: openslo/v1"
            )
    return specs


def load_slos(config: Config) -> list[SloSpec]:
    """Every SLO of the spec files under `slos:`; a duplicate service/name is an error."""
    specs: list[SloSpec] = []
    seen: dict[str, str] = {}
    for entry in config.slos.files:
        path = config.resolve_path(entry)
        if not path.is_file():
            raise ConfigError(f"{config.source}: slos: no such SLO spec file {path}")
        for spec in load_spec_file(path):
            if spec.key in seen:
                raise ConfigError(
                    f"{path}: SLO {spec.key} is defined twice (also in {seen[spec.key]})"
                )
            seen[spec.key] = str(path)
            specs.append(spec)
    return specs
