"""The `painpath` command, run the way a person runs it (in a fresh data directory)."""

import json

import pytest
from typer.testing import CliRunner

from painpath import __version__
from painpath.cli import app
from painpath.settings import get_settings


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PAINPATH_DATABASE_URL", raising=False)
    monkeypatch.delenv("PAINPATH_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args, input=None):
        get_settings.cache_clear()
        return runner.invoke(app, list(args), input=input)

    yield invoke
    get_settings.cache_clear()


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"painpath {__version__}"


def test_serve_refuses_an_unmigrated_database_with_the_fix(run):
    result = run("serve")
    assert result.exit_code == 1
    assert "painpath db upgrade" in result.output


def test_demo_is_idempotent_and_keeps_its_passwords(run, tmp_path):
    assert run("db", "upgrade").exit_code == 0
    first = run("demo")
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output
    passwords = json.loads((tmp_path / "demo-logins.json").read_text())
    assert (tmp_path / "demo-logins.json").stat().st_mode & 0o777 == 0o600
    second = run("demo")
    assert "Demo data present" in second.output
    assert json.loads((tmp_path / "demo-logins.json").read_text()) == passwords
    assert passwords["clinician"] in second.output
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'painpath.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 5
        assert connection.execute(text("SELECT count(*) FROM patients")).scalar() == 4
    engine.dispose()


def test_user_add_creates_an_account_and_refuses_a_duplicate(run):
    run("db", "upgrade")
    password = "a long enough password"
    created = run(
        "user",
        "add",
        "Sam@Clinic.example.org",
        "--role",
        "clinician",
        input=f"{password}\n{password}\n",
    )
    assert created.exit_code == 0, created.output
    assert "Created clinician sam@clinic.example.org" in created.output
    again = run(
        "user",
        "add",
        "sam@clinic.example.org",
        "--role",
        "clinician",
        input=f"{password}\n{password}\n",
    )
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_user_add_explains_a_bad_role(run):
    run("db", "upgrade")
    result = run(
        "user",
        "add",
        "x@clinic.example.org",
        "--role",
        "wizard",
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 1
    assert "role" in result.output


def test_config_never_shows_the_secret(run, tmp_path, monkeypatch):
    monkeypatch.setenv("PAINPATH_DATABASE_URL", "postgresql://pp:hunter2secret@db.example.org/pp")
    monkeypatch.setenv("PAINPATH_SECRET_KEY", "very-secret-value")
    result = run("config")
    assert result.exit_code == 0
    assert "hunter2secret" not in result.output and "very-secret-value" not in result.output
    assert "***" in result.output


def test_help_lists_the_commands(run):
    result = run("--help")
    for command in ("serve", "db", "demo", "user", "config"):
        assert command in result.output
