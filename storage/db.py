"""The engine and the one place sessions are opened.

SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing on lock upgrades.
PostgreSQL needs nothing special: writes that race use row locks or conditional updates.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, cast

from sqlalchemy import ColumnElement, Engine, Table, create_engine, event, text, update
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.sql.expression import Executable
from sqlmodel import Session, SQLModel

_READ_ONLY = "sre_bot_read_only"


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened."""


def table(model: type[SQLModel]) -> Table:
    """A model's Core table, for the bulk statements that skip the ORM."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def rows_changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE (a claim, a conditional change) and say how many rows it
    changed: 0 means another writer was first."""
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount


def update_one(
    session: Session, model: type[SQLModel], *where: ColumnElement[bool], **values: Any
) -> bool:
    """UPDATE `model` SET `values` WHERE all of `where`: True when it changed exactly one
    row (a claim that won, a conditional change that applied), False when another writer
    was first or the row is not in the state asked for."""
    statement = update(model).where(*where).values(**values)
    return rows_changed(session, statement.execution_options(synchronize_session=False)) == 1


def insert_first(session: Session, row: SQLModel) -> bool:
    """Insert `row` unless a row with its key exists: False when another writer was first.
    A savepoint keeps the caller's transaction usable after the conflict."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Database:
    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine: Engine = self._create_engine()
        self._write_lock: threading.RLock | nullcontext[None] = (
            threading.RLock() if self.is_sqlite else nullcontext()
        )

    def _create_engine(self) -> Engine:
        if not self.is_sqlite:
            return create_engine(self.url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        path = self.url.split("///", 1)[1] if "///" in self.url else ""
        if path and path != ":memory:":
            Path(path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            self.url,
            connect_args={"timeout": 15, "check_same_thread": False},
            pool_size=20,
            max_overflow=20,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: object) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            if conn.get_execution_options().get(_READ_ONLY):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on error."""
        # SQLite has one writer at a time. Queueing this process's writers on a lock is fair
        # and prompt; leaving it to SQLite's busy handler (sleep and retry) starves some of
        # them for seconds under load. Other processes (the CLI) still meet the busy timeout.
        with self._write_lock, Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise DatabaseUnavailable(str(exc.orig)) from exc
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only transaction, which on SQLite does not queue behind writers."""
        bind = self.engine.execution_options(**{_READ_ONLY: True})
        with Session(bind, expire_on_commit=False) as session:
            try:
                yield session
            except OperationalError as exc:
                raise DatabaseUnavailable(str(exc.orig)) from exc
            finally:
                session.expunge_all()  # keep what was read usable after the transaction ends
                session.rollback()

    def ping(self) -> None:
        try:
            with self.engine.execution_options(**{_READ_ONLY: True}).connect() as conn:
                conn.execute(text("SELECT 1"))
                conn.rollback()
        except OperationalError as exc:
            raise DatabaseUnavailable(str(exc.orig)) from exc

    def dispose(self) -> None:
        self.engine.dispose()
