"""The scheduler's jobs, called as the scheduler calls them."""

import logging
from types import SimpleNamespace

from bot.scheduler import keep_bounded
from commands.context import Context
from storage.db import Database


def test_the_retention_job_sweeps_once_a_day_and_says_what_it_removed(ctx, clock, caplog):
    runtime = SimpleNamespace(ctx=ctx, worker_id="replica-1")
    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        assert keep_bounded(runtime) is not None  # type: ignore[arg-type]
        assert keep_bounded(runtime) is None  # type: ignore[arg-type]
    assert "retention: removed 0 alert groups (0 alerts)" in caplog.text
    clock.advance(hours=24)
    assert keep_bounded(runtime) is not None  # type: ignore[arg-type]


def test_the_retention_job_survives_a_database_that_is_down(tmp_path, config, clock, caplog):
    gone = Database(f"sqlite:///{tmp_path / 'missing' / 'bot.db'}")
    runtime = SimpleNamespace(ctx=Context(gone, config, clock), worker_id="replica-1")
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        assert keep_bounded(runtime) is None  # type: ignore[arg-type]
    assert "retention sweep: database unavailable" in caplog.text
