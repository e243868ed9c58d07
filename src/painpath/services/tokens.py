"""Random secrets handed to people (session cookies, invite links, API tokens).
Only a SHA-256 of each is stored, so a copy of the database cannot be used to sign in."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
