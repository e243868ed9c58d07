"""The schema itself, on both databases: migrations match the models; audit is append-only;
constraints hold even if code forgets them."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from painpath.core.accounts import Role
from painpath.services import audit
from painpath.services.runtime import system_context
from painpath.store.db import make_engine, transaction
from painpath.store.migrate import alembic_config, current_revision, head_revision, upgrade
from painpath.store.models import Base
from tests.factories import make_user


def test_models_and_migrations_agree(services):
    engine = services.db.kw["bind"]
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_database_is_at_head(services):
    assert current_revision(services.db.kw["bind"]) == head_revision()


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    engine = make_engine(url, one_off=True)
    assert current_revision(engine) is None
    upgrade(url)
    assert current_revision(engine) == head_revision()


def test_audit_log_refuses_update_and_delete(services):
    audit.record_now(system_context(services), "test.event")
    for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError) as caught, transaction(services.db) as session:
            session.execute(text(statement))
        assert "append-only" in str(caught.value)
    with transaction(services.db) as session:
        assert session.execute(text("SELECT action FROM audit_events")).scalars().all() == [
            "test.event"
        ]


def test_database_refuses_mixed_case_email_even_if_code_forgets(services):
    with pytest.raises(IntegrityError), transaction(services.db) as session:
        session.execute(
            text(
                "INSERT INTO users (email, role, display_name, active, created_at) "
                "VALUES ('Ada@Home.example.org', 'patient', '', true, CURRENT_TIMESTAMP)"
            )
        )


def test_foreign_keys_are_enforced(services):
    with pytest.raises(IntegrityError), transaction(services.db) as session:
        session.execute(
            text(
                "INSERT INTO care_team (clinician_id, patient_id, added_at) "
                "VALUES (4242, 4242, CURRENT_TIMESTAMP)"
            )
        )


def test_a_failed_write_leaves_nothing_behind(services):
    """One transaction per use case: an error half-way rolls back the first half too."""
    make_user(services, Role.clinician, email="one@clinic.example.org")
    with pytest.raises(RuntimeError), transaction(services.db) as session:
        session.execute(
            text(
                "INSERT INTO patients (display_name, birth_year, created_at) "
                "VALUES ('Half Saved', 1980, CURRENT_TIMESTAMP)"
            )
        )
        raise RuntimeError("server killed mid-write")
    with transaction(services.db) as session:
        assert session.execute(text("SELECT count(*) FROM patients")).scalar() == 0


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_services):
    with sqlite_services.db() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.postgres
def test_audit_log_refuses_truncate_on_postgresql(postgres_url):
    """SQLite has no TRUNCATE; PostgreSQL's must not bypass the append-only triggers."""
    engine = make_engine(postgres_url, one_off=True)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (at, action, outcome) VALUES (now(), 'test.event', 'ok')"
            )
        )
    with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_events"))
    assert "append-only" in str(caught.value)
    engine.dispose()


def test_sign_in_lookups_do_not_queue_behind_a_writer(services):
    """Session and token lookups only read: while another request holds the write lock,
    they still answer (SQLite: deferred BEGIN under WAL; PostgreSQL: MVCC)."""
    from painpath.services import accounts
    from painpath.services.context import Context
    from tests.factories import PASSWORD

    person = make_user(services, Role.patient)
    signed = accounts.sign_in(Context(services), person.email, PASSWORD)
    _, secret = accounts.create_api_token(person.ctx(services), {"name": "t", "scopes": ["read"]})
    accounts.actor_for_api_token(services, secret)  # sets last_used_at: the next one only reads
    with transaction(services.db) as writer:
        writer.execute(
            text("UPDATE users SET display_name = 'busy' WHERE id = :id"), {"id": person.id}
        )
        assert accounts.actor_for_session(services, signed.session_token)[0].user_id == person.id
        assert accounts.actor_for_api_token(services, secret).user_id == person.id
