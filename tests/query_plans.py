"""Which statements a piece of work sends, and whether the database reads any of them by
scanning a history table (incidents, timelines, alert groups, alerts, the outbox) from end
to end."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from storage.db import Database

HISTORY = ("incident", "timeline_entry", "alert_group", "alert", "outbox_message")
PARTIAL = (
    "(ix_incident_open|ix_incident_unacknowledged|ix_incident_postmortem_owed"
    "|ix_alert_group_firing|ix_outbox_owed_due|ix_outbox_owed_since)"
)
# Partial indexes that are only ever searched by a range (what retention removes): a scan
# of one would read nearly the whole history.
SEARCHED_ONLY = ("ix_alert_group_resolved", "ix_incident_closed")
# A scan of a whole table or of a full index; a scan of a partial index reads only the rows
# its condition keeps (the open incidents, the owed postmortems), which is the point of it.
SQLITE_SCAN = re.compile(
    rf"\bSCAN ({'|'.join(HISTORY)})(_\d+)?\b(?! USING (COVERING )?INDEX {PARTIAL}\b)"
)
PG_SCAN = re.compile(rf"Seq Scan on ({'|'.join(HISTORY)})\b")


@contextmanager
def recorded(db: Database) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def plans(db: Database, statements: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    explained = []
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:
            # Tiny tables make a sequential scan cheapest; forbid it, and any query that
            # has no index to use still shows one.
            cursor.execute("SET enable_seqscan = off")
        for statement, parameters in statements:
            cursor.execute(
                ("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + statement, parameters
            )
            rows = cursor.fetchall()
            plan = "\n".join(str(row[0] if postgres else row[-1]) for row in rows)
            explained.append((statement, plan))
    finally:
        raw.close()
    return explained


def full_scans(db: Database, statements: list[tuple[str, Any]]) -> list[str]:
    """The recorded statements whose plan scans a history table, with their plans."""
    pattern = PG_SCAN if db.engine.dialect.name == "postgresql" else SQLITE_SCAN
    return [
        f"{sql}\n  -> {plan}"
        for sql, plan in plans(db, statements)
        if pattern.search(plan) and not _first_rows_in_index_order(sql, plan)
    ]


def _first_rows_in_index_order(sql: str, plan: str) -> bool:
    """`ORDER BY indexed DESC LIMIT n` walks the index from its end and stops after n rows:
    bounded, though SQLite calls it a scan."""
    return " LIMIT " in sql and bool(re.search(r"\bSCAN \w+ USING (COVERING )?INDEX ", plan))
