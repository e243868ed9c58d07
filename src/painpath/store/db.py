"""Engines and sessions: one code path for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them to psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, one_off: bool = False) -> Engine:
    """An engine for ``url``. ``one_off`` (migrations, CLI) keeps no pooled connections."""
    url = normalise_url(url)
    parsed = make_url(url)
    pooling: dict = {"poolclass": NullPool} if one_off else {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # isolation_level=None hands transaction control to SQLAlchemy, which then starts
        # each one with BEGIN IMMEDIATE (below): a transaction that reads and then writes
        # (most of ours: every read is audited) takes the write lock up front and waits
        # its turn, instead of failing with SQLITE_BUSY when another writer went first.
        engine = create_engine(
            url, connect_args={"timeout": 30, "isolation_level": None}, **pooling
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if not one_off:
        pooling = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
    return create_engine(url, **pooling)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while one writer writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Lookups that never write (read_transaction) start deferred: they never queue for
    # the write lock, and WAL lets them read while a writer writes.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


READ_ONLY = "painpath_read_only"


@contextmanager
def read_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work that only reads. Writing inside it is a programming error."""
    with factory() as session:
        session.connection(execution_options={READ_ONLY: True})  # begins the transaction
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    with factory() as session, session.begin():
        yield session
