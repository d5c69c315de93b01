"""Schema migrations (Alembic), run by `sre-bot db upgrade` and on `serve` start."""

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from storage.db import Database, DatabaseUnavailable

if TYPE_CHECKING:
    from alembic.config import Config

_SCRIPTS = Path(__file__).parent / "migrations"
# The newest migration (tests/storage/test_migrate.py checks it is Alembic's head): a
# database already there needs no Alembic at all, which keeps the CLI's start short.
HEAD = "0012"
log = logging.getLogger(__name__)


def ensure_schema(db: Database) -> None:
    """Upgrade the schema unless it is at HEAD already (one SELECT when it is)."""
    try:
        with db.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            current = version.scalar_one_or_none()
            connection.rollback()
    except (OperationalError, ProgrammingError):
        current = None  # no schema yet, or the database is down: upgrade says which
    if current != HEAD:
        upgrade(db)


def alembic_config() -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`. Safe to run from several replicas at once."""
    from alembic import command

    config = alembic_config()
    try:
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # One replica migrates; the others wait here, then find nothing to do.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(724031)")
            config.attributes["connection"] = connection
            before = _revision(connection)
            command.upgrade(config, revision)
            after = _revision(connection)
            if before != after:
                log.info("database schema upgraded from %s to %s", before or "empty", after)
    except OperationalError as exc:
        raise DatabaseUnavailable(str(exc.orig)) from exc


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        revision = _revision(connection)
        connection.rollback()
        return revision
