import os
import stat

from painpath.settings import Settings, load_or_create_secret


def test_secret_is_created_once_with_owner_only_permissions(tmp_path):
    path = tmp_path / "secret_key"
    first = load_or_create_secret(path)
    assert len(first) >= 48
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_secret(path) == first


def test_default_database_is_sqlite_in_the_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path / 'painpath.sqlite3'}"


def test_settings_come_from_painpath_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("PAINPATH_DATABASE_URL", "postgresql://u@db.example.org/pp")
    monkeypatch.setenv("PAINPATH_HTTPS", "true")
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url() == "postgresql://u@db.example.org/pp"
    assert settings.https is True


def test_configured_secret_wins_and_nothing_is_written(tmp_path):
    settings = Settings(data_dir=tmp_path, secret_key="from-environment")
    assert settings.resolved_secret_key() == "from-environment"
    assert not (tmp_path / "secret_key").exists()
