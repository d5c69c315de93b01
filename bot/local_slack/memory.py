"""The local workspace's memory: channels, messages, threads and people survive a restart.

The snapshot is one JSON file (beside the bot's database in `sre-bot dev`). It is written
atomically, shortly after each change and once more at stop, so a crash loses at most the
last half second, and a torn file is never read back.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path

from bot.local_slack.workspace import Workspace

log = logging.getLogger(__name__)

SAVE_INTERVAL = 0.5


class Memory:
    """Loads `workspace` from `path`, then keeps the file up to date until `stop()`."""

    def __init__(self, workspace: Workspace, path: Path, interval: float = SAVE_INTERVAL) -> None:
        self.workspace = workspace
        self.path = path
        self.interval = interval
        self._saved_revision = -1
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def load(self) -> bool:
        """Restore the saved workspace; False when there is none. An unreadable file is set
        aside (renamed `*.unreadable`) and said so, rather than silently overwritten."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            self.workspace.restore(data)
        except FileNotFoundError:
            return False
        except (OSError, ValueError) as exc:
            aside = self.path.with_name(self.path.name + ".unreadable")
            log.warning("local Slack: %s is unreadable (%s); kept as %s", self.path, exc, aside)
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            return False
        self._saved_revision = self.workspace.revision
        return True

    def save(self) -> None:
        revision = self.workspace.revision
        if revision == self._saved_revision:
            return
        text = json.dumps(self.workspace.snapshot(), ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, self.path)
        self._saved_revision = revision

    def start(self) -> Memory:
        self._thread = threading.Thread(target=self._run, name="local-slack-memory", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self.save()
            except OSError as exc:
                log.warning("local Slack: could not save %s: %s", self.path, exc)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
        try:
            self.save()
        except OSError as exc:
            log.warning("local Slack: could not save %s: %s", self.path, exc)
