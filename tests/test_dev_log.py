"""In `sre-bot dev` the log goes to a file, and each kind of warning is shown once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.dev_log import log_to_file


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def test_warnings_are_shown_once_and_everything_lands_in_the_file(
    tmp_path: Path, restore_root: None
) -> None:
    console = logging.StreamHandler()
    logging.getLogger().addHandler(console)
    path = tmp_path / "dev.log"
    notices = log_to_file(path, replace=[console])
    assert console not in logging.getLogger().handlers
    shown: list[str] = []
    notices.listen(shown.append)
    log = logging.getLogger("bot.test")
    log.info("outbox delivered %d messages", 3)
    for attempt in range(3):
        log.warning("Prometheus unreachable at %s (attempt %d)", "http://localhost:9090", attempt)
    log.error("database write failed")
    assert shown == [
        f"warning: Prometheus unreachable at http://localhost:9090 (attempt 0) (more in {path})",
        f"error: database write failed (more in {path})",
    ]
    text = path.read_text()
    assert "outbox delivered 3 messages" in text
    assert "(attempt 0)" in text
