"""The runbook catalog: every file of the configured folder, read again when one changes."""

import logging
import threading
from pathlib import Path
from typing import Any

from commands.context import Context
from commands.errors import NotFound
from commands.runbooks.files import Catalog, LoadedRunbook, load_folder

log = logging.getLogger(__name__)
_CACHE: dict[tuple[object, ...], Catalog] = {}
_CACHE_LOCK = threading.Lock()


def _fingerprint(folder: Path | None, allow_commands: bool) -> tuple[Any, ...]:
    if folder is None or not folder.is_dir():
        return (str(folder), allow_commands)
    files = []
    for path in sorted(folder.iterdir()):
        try:
            info = path.stat()
        except OSError:
            continue
        files.append((path.name, info.st_mtime_ns, info.st_size))
    return (str(folder), allow_commands, tuple(files))


def catalog(ctx: Context) -> Catalog:
    """Every runbook file of the configured folder; bad files are in `errors`. Read again
    whenever a file changes (the sweeps ask often; unchanged files are not re-parsed)."""
    folder = ctx.config.runbooks_folder()
    allow = ctx.config.runbooks.allow_commands
    key = _fingerprint(folder, allow)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
    if found is None:
        named_at = ctx.config.where(("runbooks", "folder"), ("runbooks",))
        found = load_folder(folder, allow_commands=allow, named_at=named_at)
        with _CACHE_LOCK:
            if len(_CACHE) > 32:
                _CACHE.clear()
            _CACHE[key] = found
    return found


def get_runbook(ctx: Context, name: str) -> LoadedRunbook:
    found = catalog(ctx)
    loaded = found.runbooks.get(name.strip())
    if loaded is None:
        known = ", ".join(found.names()) or "-"
        raise NotFound("runbook.not_found", name=name.strip()[:120], known=known)
    return loaded


def runbooks_for_alert(ctx: Context, labels: dict[str, str]) -> list[str]:
    """The runbooks whose alert triggers match these labels (`alertname` and the rest)."""
    found = catalog(ctx)
    return [
        name
        for name, loaded in sorted(found.runbooks.items())
        if any(trigger.matches_alert(labels) for trigger in loaded.runbook.triggers)
    ]
