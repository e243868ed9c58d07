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


def test_today_is_the_clinics_date_not_utcs(tmp_path):
    """22:30 UTC on 4 December is already 5 December in Auckland, and 02:00 UTC on
    5 December is still 4 December in New York: the clinic's date counts."""
    from datetime import UTC, datetime

    from painpath.services.context import Context, Services

    def at(moment, zone):
        settings = Settings(data_dir=tmp_path, timezone=zone)
        return Context(Services(settings, db=None, clock=lambda: moment)).today()  # type: ignore[arg-type]

    late_evening_utc = datetime(2026, 12, 4, 22, 30, tzinfo=UTC)  # 5 Dec, 11:30 in Auckland
    assert at(late_evening_utc, "UTC").day == 4
    assert at(late_evening_utc, "Pacific/Auckland").day == 5
    assert at(datetime(2026, 12, 5, 2, 0, tzinfo=UTC), "America/New_York").day == 4


def test_an_unknown_time_zone_is_refused_by_name(tmp_path):
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        Settings(data_dir=tmp_path, timezone="Mars/Olympus")
