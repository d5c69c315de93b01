"""The engine and the one place sessions are opened.

SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing on lock upgrades.
PostgreSQL needs nothing special: writes that race use row locks or conditional updates.
"""

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, cast

from sqlalchemy import ColumnElement, Engine, Table, Update, create_engine, event, text, update
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
    return changed_one(session, update(model).where(*where).values(**values))


def changed_one(session: Session, statement: Update) -> bool:
    """Run a conditional UPDATE: True when it changed exactly one row, as `update_one`."""
    return rows_changed(session, statement.execution_options(synchronize_session=False)) == 1


def dialect_insert(session: Session) -> Callable[..., Any]:
    """The INSERT of this database's dialect, which knows ON CONFLICT."""
    # Imported here: the PostgreSQL dialect package loads all its drivers' modules (~0.1 s).
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


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
        path = self.url.split("///", 1)[1] if self.is_sqlite and "///" in self.url else ""
        self.path = Path(path).expanduser().resolve() if path and path != ":memory:" else None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file in use
        # When writes started failing for a reason that does not clear by itself (a file
        # made read-only, a disk gone): liveness fails once this lasts too long.
        self.failing_since: float | None = None
        self.engine: Engine = self._create_engine()
        self._write_lock: threading.RLock | nullcontext[None] = (
            threading.RLock() if self.is_sqlite else nullcontext()
        )

    def _check_file(self) -> None:
        """The SQLite file is still the one the bot opened. Deleted or replaced while open,
        SQLite would go on writing to the unlinked inode, and every acknowledged write would
        be lost at the next restart."""
        if self.path is None:
            return
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            if self._identity is None:
                return  # not created yet: the first connection creates it
            raise self._failed(f"the database file {self.path} was deleted while in use") from None
        identity = (info.st_dev, info.st_ino)
        if self._identity is None:
            self._identity = identity
        elif identity != self._identity:
            raise self._failed(f"the database file {self.path} was replaced while in use")

    def _failed(self, reason: str) -> "DatabaseUnavailable":
        if self.failing_since is None:
            self.failing_since = time.monotonic()
        return DatabaseUnavailable(f"{reason}; nothing was written, restart the bot")

    def _write_failed(self, exc: OperationalError) -> "DatabaseUnavailable":
        message = str(exc.orig)
        if "readonly" in message or "read-only" in message:
            # SQLite opened these connections read-only while the file was: new ones will
            # see it writable again once it is fixed.
            self.engine.dispose()
            return self._failed(message)
        return DatabaseUnavailable(message)

    def failing_for(self) -> float:
        """Seconds writes have failed for a reason that does not clear by itself (0: fine)."""
        return 0.0 if self.failing_since is None else time.monotonic() - self.failing_since

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
        self._check_file()
        with self._write_lock, Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                self._check_file()  # before the commit that would tell the caller "done"
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise self._write_failed(exc) from exc
            except BaseException:
                session.rollback()
                raise
        self.failing_since = None

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
        self._check_file()
        if self.failing_since is not None:
            raise DatabaseUnavailable("writes are failing; see the log")
        try:
            with self.engine.execution_options(**{_READ_ONLY: True}).connect() as conn:
                conn.execute(text("SELECT 1"))
                conn.rollback()
        except OperationalError as exc:
            raise DatabaseUnavailable(str(exc.orig)) from exc

    def optimize(self) -> None:
        """Refresh the statistics SQLite's planner reads, where they are stale (`PRAGMA
        optimize`, as SQLite advises for long-lived connections). PostgreSQL's autovacuum
        does this by itself."""
        if self.engine.dialect.name != "sqlite":
            return
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA optimize")
                conn.commit()
        except OperationalError as exc:
            raise DatabaseUnavailable(str(exc.orig)) from exc

    def dispose(self) -> None:
        self.engine.dispose()
