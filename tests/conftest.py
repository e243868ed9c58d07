"""Shared test set-up: databases on both backends, fast password hashing, loud skips.

SQLite: every test gets its own copy of a database migrated once per run.
PostgreSQL: one database per run (and per xdist worker), emptied between tests;
its URL comes from PAINPATH_TEST_POSTGRES_URL (the Makefile sets the local default).
In CI (CI=true) a missing PostgreSQL or Chromium fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from painpath.services.context import Services
from painpath.settings import Settings
from painpath.store.db import make_engine, make_session_factory, normalise_url
from painpath.store.migrate import upgrade
from painpath.store.models import Base

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_ADMIN_URL = os.environ.get("PAINPATH_TEST_POSTGRES_URL", "")
LOUD_SKIPS: list[str] = []

# No test asserts on wall-clock time: Hypothesis's per-example deadline is off.
hypothesis_settings.register_profile("painpath", deadline=None)
hypothesis_settings.load_profile("painpath")


def pytest_configure(config: pytest.Config) -> None:
    # Hashing at production cost would make hundreds of sign-ins slow; the algorithm
    # (Argon2id) is the same, only its cost parameters are lowered.
    os.environ.setdefault("PAINPATH_ARGON2_TIME_COST", "1")
    os.environ.setdefault("PAINPATH_ARGON2_MEMORY_KIB", "1024")


def missing(what: str, why: str) -> None:
    """Skip loudly outside CI; fail in CI, where every part must be exercised."""
    message = f"{what} NOT TESTED: {why}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: this is a failure, not a skip)", pytrace=False)
    LOUD_SKIPS.append(message)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter) -> None:
    # Read the skip reasons from the reports, so this works under pytest-xdist too.
    reasons = set(LOUD_SKIPS)
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        if "NOT TESTED" in reason:
            reasons.add(reason.removeprefix("Skipped: "))
    if reasons:
        terminalreporter.section("PARTS OF PAINPATH THAT WERE NOT TESTED", sep="!", red=True)
        for line in sorted(reasons):
            terminalreporter.write_line(f"  !! {line}", red=True, bold=True)


def make_settings(tmp: Path, url: str) -> Settings:
    return Settings(
        data_dir=tmp,
        database_url=url,
        secret_key="test-secret-key-not-for-production",
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        # The semantic tier has its own tests; elsewhere the search is lexical, so a test
        # never waits for passage vectors.
        search_model="none",
        timezone="UTC",  # the test clocks are set in UTC
    )


# --- SQLite ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    # Fold the WAL into the main file, so copying that one file copies everything.
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def sqlite_url_for_test(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "painpath.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


# --- PostgreSQL ----------------------------------------------------------------------


def _pg_reachable(url: str) -> str | None:
    try:
        engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """A fresh, migrated database for this run (and xdist worker), dropped afterwards."""
    if not PG_ADMIN_URL:
        missing("PostgreSQL", "PAINPATH_TEST_POSTGRES_URL is not set (`make test` sets it)")
    problem = _pg_reachable(PG_ADMIN_URL)
    if problem:
        missing("PostgreSQL", f"cannot connect to {PG_ADMIN_URL}: {problem}")
    name = f"painpath_test_{uuid.uuid4().hex[:10]}_{worker_id}"
    admin = create_engine(normalise_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(PG_ADMIN_URL)).set(database=name).render_as_string(False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_postgres(engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        # The audit log refuses TRUNCATE; tests (as superuser) switch triggers off to reset.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


# --- the fixture most tests use ------------------------------------------------------

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def services(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Services]:
    """Services on a clean, migrated database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        url = sqlite_url_for_test(sqlite_template, tmp_path)
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    if request.param == "postgresql":
        _empty_postgres(engine)
    yield Services(settings=make_settings(tmp_path, url), db=make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def sqlite_services(tmp_path: Path, sqlite_template: Path) -> Iterator[Services]:
    """SQLite only: for tests about the web shell rather than storage."""
    url = sqlite_url_for_test(sqlite_template, tmp_path)
    engine = make_engine(url)
    yield Services(settings=make_settings(tmp_path, url), db=make_session_factory(engine))
    engine.dispose()


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    # pytest-xdist provides this fixture; without xdist we are the only worker.
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "main"


def shared_dir() -> Path:
    """The project's shared folder (evaluation data), which is never copied into the repo:
    PAINPATH_SHARED_DIR if set, else ../shared next to the checkout, else /work/shared."""
    candidates = [
        os.environ.get("PAINPATH_SHARED_DIR"),
        Path(__file__).resolve().parents[1].parent / "shared",
        "/work/shared",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "data").is_dir():
            return Path(candidate)
    return Path(__file__).resolve().parents[1].parent / "shared"
