"""Schema migrations (Alembic), run by `sre-bot db upgrade` and on `serve` start."""

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from storage.db import Database, DatabaseUnavailable

_SCRIPTS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`. Safe to run from several replicas at once."""
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
    return MigrationContext.configure(connection).get_current_revision()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        revision = _revision(connection)
        connection.rollback()
        return revision
