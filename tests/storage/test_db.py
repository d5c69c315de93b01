"""A failing SQLite file never loses an acknowledged write: the real server, a real file."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from bot.http.guard import HttpLimits
from commands.incidents import lifecycle as incidents

DATABASE_DOWN = "The database cannot be reached right now; nothing was changed."


def _create(bot, title: str) -> str:
    return bot.command(f"create sev3 {title}").json()["text"]


def test_a_database_file_deleted_while_serving_stops_writes_and_readiness(start_service, tmp_path):
    """Before: 10 of 10 creates answered "Incident Created" and none existed after a restart."""
    path = tmp_path / "deleted.db"
    bot = start_service(database_url=f"sqlite:///{path}")
    assert _create(bot, "before").startswith("Incident Created")
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    answers = [_create(bot, f"after {n}") for n in range(10)]
    assert all(a.startswith(DATABASE_DOWN) for a in answers), answers
    ready = bot.get("/health/ready")
    assert ready.status_code == 503
    assert "deleted while in use" in ready.json()["checks"]["database"]["detail"]


@pytest.mark.skipif(shutil.which("chattr") is None, reason="chattr is not installed")
def test_a_file_made_read_only_then_writable_again_takes_writes_again(start_service, tmp_path):
    path = tmp_path / "immutable.db"
    bot = start_service(
        database_url=f"sqlite:///{path}", limits=HttpLimits(live_after_failing_writes=1.0)
    )
    assert _create(bot, "before").startswith("Incident Created")
    bot.service.delivery.stop()  # only this test's writes touch the file from here
    raw = bot.ctx.db.engine.raw_connection()  # everything in the main file, none in the WAL
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("this filesystem does not support chattr +i")
    try:
        bot.ctx.db.engine.dispose()  # connections opened during the fault: read-only
        assert _create(bot, "during").startswith(DATABASE_DOWN)
        time.sleep(1.1)  # the grace the liveness probe allows failing writes (1 s here)
        assert bot.get("/health/live").status_code == 503
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    # Fixed: the next write opens a writable connection; before, the read-only ones stayed.
    assert _create(bot, "after").startswith("Incident Created")
    assert bot.get("/health/live").status_code == 200
    assert [i.title for i in incidents.list_incidents(bot.ctx)] == ["after", "before"]


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB filesystem of its own (tmpfs), so that it can really fill up."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    # Unmounted only after the service has closed its files (the test asks for this fixture
    # first); a mount left behind would make the directory undeletable for every later run.
    if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_loses_no_acknowledged_write(small_disk, start_service):
    bot = start_service(database_url=f"sqlite:///{small_disk / 'full.db'}")
    assert _create(bot, "before").startswith("Incident Created")
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as out:  # unbuffered: closing has nothing to flush
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass  # the disk is full
    answers = [_create(bot, f"when full {n} " + "x" * 2000) for n in range(5)]
    assert all(a.startswith(("Incident Created", DATABASE_DOWN)) for a in answers), answers
    acknowledged = sum(a.startswith("Incident Created") for a in answers)
    filler.unlink()
    assert len(incidents.list_incidents(bot.ctx)) == 1 + acknowledged
    assert _create(bot, "space again").startswith("Incident Created")
