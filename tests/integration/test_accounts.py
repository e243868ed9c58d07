"""Accounts on both databases: creating users, signing in, throttling, sessions, tokens."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from painpath.core.accounts import Role, TokenScope
from painpath.services import accounts
from painpath.services.context import Context
from painpath.services.errors import Forbidden, InvalidInput, Throttled
from painpath.services.runtime import system_context
from painpath.store.db import transaction
from painpath.store.models import AuditEvent, User
from tests.factories import PASSWORD, make_user


def count(services, model) -> int:
    with transaction(services.db) as session:
        return session.scalar(select(func.count()).select_from(model))


def anon(services, address="10.0.0.1") -> Context:
    return Context(services, client_address=address)


def test_user_password_is_stored_as_argon2id(services):
    person = make_user(services, Role.clinician)
    with transaction(services.db) as session:
        stored = session.get(User, person.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_duplicate_email_differing_only_in_case_is_refused_and_nothing_added(services):
    make_user(services, Role.clinician, email="sam@clinic.example.org")
    before = count(services, User)
    with pytest.raises(InvalidInput) as caught:
        make_user(services, Role.clinician, email="SAM@Clinic.Example.org")
    assert caught.value.errors == {"email": "An account with this email already exists."}
    assert count(services, User) == before


def test_only_admins_create_users(services):
    clinician = make_user(services, Role.clinician)
    with pytest.raises(Forbidden):
        accounts.create_user(
            clinician.ctx(services),
            {"email": "x@clinic.example.org", "role": "admin", "password": PASSWORD},
        )


def test_sign_in_with_any_case_of_email(services):
    person = make_user(services, Role.patient, email="ada@home.example.org")
    signed = accounts.sign_in(anon(services), "  ADA@home.example.org", PASSWORD)
    assert signed.user.id == person.id
    assert accounts.actor_for_session(services, signed.session_token)[0].user_id == person.id


def test_failures_say_the_same_thing_whether_or_not_the_account_exists(services):
    make_user(services, Role.patient, email="ada@home.example.org")
    messages = set()
    for email, password in [
        ("ada@home.example.org", "wrong password!"),
        ("nobody@home.example.org", PASSWORD),
    ]:
        with pytest.raises(accounts.SignInFailed) as caught:
            accounts.sign_in(anon(services), email, password)
        messages.add(caught.value.describe())
    assert len(messages) == 1


def test_inactive_account_cannot_sign_in(services):
    person = make_user(services, Role.patient)
    accounts.set_user_active(system_context(services), person.id, False)
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(anon(services), person.email, PASSWORD)


def test_account_throttled_after_limit_even_with_the_right_password(services):
    person = make_user(services, Role.patient)
    limit = services.settings.signin_max_failures_per_account
    for i in range(limit):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(anon(services, f"10.0.0.{i}"), person.email, "wrong password!")
    with pytest.raises(Throttled) as caught:
        accounts.sign_in(anon(services, "10.9.9.9"), person.email, PASSWORD)
    assert "try again" in caught.value.describe()
    assert 0 < caught.value.retry_after_seconds <= services.settings.signin_window_minutes * 60 + 1


def test_unknown_email_is_throttled_just_like_a_real_one(services):
    limit = services.settings.signin_max_failures_per_account
    for _ in range(limit):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(anon(services), "ghost@home.example.org", "whatever pw")
    with pytest.raises(Throttled):
        accounts.sign_in(anon(services), "ghost@home.example.org", "whatever pw")


def test_address_throttled_across_many_accounts(services):
    services = replace(
        services,
        settings=services.settings.model_copy(update={"signin_max_failures_per_address": 3}),
    )
    for i in range(3):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(
                anon(services, "10.1.1.1"), f"guess{i}@home.example.org", "pw pw pw pw"
            )
    person = make_user(services, Role.patient)
    with pytest.raises(Throttled):
        accounts.sign_in(anon(services, "10.1.1.1"), person.email, PASSWORD)
    # Another address is not affected.
    assert accounts.sign_in(anon(services, "10.2.2.2"), person.email, PASSWORD).user.id == person.id


def test_throttle_lifts_when_the_window_passes(services):
    person = make_user(services, Role.patient)
    for _ in range(services.settings.signin_max_failures_per_account):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(anon(services), person.email, "wrong password!")
    later = services.clock() + timedelta(minutes=services.settings.signin_window_minutes, seconds=1)
    services_later = replace(services, clock=lambda: later)
    assert accounts.sign_in(anon(services_later), person.email, PASSWORD).user.id == person.id


def test_sign_out_ends_the_session(services):
    person = make_user(services, Role.patient)
    signed = accounts.sign_in(anon(services), person.email, PASSWORD)
    accounts.sign_out(person.ctx(services), signed.session_token)
    assert accounts.actor_for_session(services, signed.session_token) is None


def test_session_expires(services):
    person = make_user(services, Role.patient)
    signed = accounts.sign_in(anon(services), person.email, PASSWORD)
    later = services.clock() + timedelta(hours=services.settings.session_hours, seconds=1)
    assert (
        accounts.actor_for_session(replace(services, clock=lambda: later), signed.session_token)
        is None
    )


def test_deactivation_ends_sessions_at_once(services):
    person = make_user(services, Role.patient)
    signed = accounts.sign_in(anon(services), person.email, PASSWORD)
    accounts.set_user_active(system_context(services), person.id, False)
    assert accounts.actor_for_session(services, signed.session_token) is None


def test_admin_cannot_deactivate_themself(services):
    admin = make_user(services, Role.admin)
    with pytest.raises(InvalidInput):
        accounts.set_user_active(admin.ctx(services), admin.id, False)


def test_api_token_is_stored_hashed_and_works_until_revoked(services):
    person = make_user(services, Role.clinician)
    view, secret = accounts.create_api_token(
        person.ctx(services), {"name": "script", "scopes": ["read"]}
    )
    assert secret.startswith("pp_") and view.prefix == secret[:10]
    actor = accounts.actor_for_api_token(services, secret)
    assert actor.user_id == person.id and actor.scopes == {TokenScope.read}
    listed = accounts.list_api_tokens(person.ctx(services))
    assert listed[0].last_used_at is not None
    accounts.revoke_api_token(person.ctx(services), view.id)
    assert accounts.actor_for_api_token(services, secret) is None


def test_api_token_expires(services):
    person = make_user(services, Role.clinician)
    _, secret = accounts.create_api_token(
        person.ctx(services), {"name": "short", "scopes": ["read"], "expires_in_days": 1}
    )
    later = services.clock() + timedelta(days=1, seconds=1)
    assert accounts.actor_for_api_token(replace(services, clock=lambda: later), secret) is None


def test_sign_in_and_failures_are_audited(services):
    person = make_user(services, Role.patient)
    accounts.sign_in(anon(services), person.email, PASSWORD)
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(anon(services), person.email, "wrong password!")
    with transaction(services.db) as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.outcome)
            .where(AuditEvent.action == "auth.sign_in")
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [("auth.sign_in", "ok"), ("auth.sign_in", "failed")]
