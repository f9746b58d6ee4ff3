"""SQLite settings for a web app: many readers, queued writers, enforced foreign keys.

WAL lets requests read while one writes; the busy timeout makes a writer wait its turn instead
of failing with "database is locked" when a hall of recruiters syncs at once. pysqlite only
opens a transaction at the first write, so a writer never upgrades a stale read snapshot (the
one case the busy timeout cannot cover); a check-then-write that must not interleave takes the
lock first with ``hold_write_lock``.
"""

from __future__ import annotations

from sqlalchemy import Engine, event

#: How long a writer waits for the lock, in milliseconds.
BUSY_TIMEOUT_MS = 30_000


def configure(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def hold_write_lock(session) -> None:
    """Take SQLite's write lock now and keep it to the commit (no-op on other databases).

    What the transaction reads from here on cannot change under it before it writes: the
    SQLite counterpart of PostgreSQL's ``SELECT … FOR UPDATE``. A transaction that has
    already written holds the lock.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
