"""Invitations on both databases: one-time, expiring, atomic."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from painpath.core.accounts import Role
from painpath.services import invites, patients
from painpath.services.context import Context
from painpath.services.errors import InvalidInput, InviteUnusable, NotFound
from painpath.store.db import transaction
from painpath.store.models import AuditEvent, Invite, Patient, User
from tests.factories import PASSWORD, invite, make_patient, make_user

NEW_PASSWORD = "a quiet river bend"


def accept(services, token, password=NEW_PASSWORD, confirm=NEW_PASSWORD):
    return invites.accept_invite(
        Context(services, client_address="10.0.0.5"),
        token,
        {"password": password, "password_confirm": confirm},
    )


def users(services) -> int:
    with transaction(services.db) as session:
        return session.scalar(select(func.count()).select_from(User))


def test_invite_token_is_stored_only_as_a_hash(services):
    clinician = make_user(services, Role.clinician)
    record = make_patient(services, clinician)
    token = invite(services, clinician, record, "ada@home.example.org")
    with transaction(services.db) as session:
        stored = session.scalar(select(Invite.token_hash))
    assert token not in stored and len(stored) == 64


def test_accepting_creates_a_patient_account_linked_to_the_record(services):
    clinician = make_user(services, Role.clinician)
    record = make_patient(services, clinician, "Ada Example")
    token = invite(services, clinician, record, "Ada@Home.example.org")
    signed = accept(services, token)
    assert signed.user.role is Role.patient
    assert signed.user.email == "ada@home.example.org"
    own = patients.own_record(Context(services, actor=_actor(signed)))
    assert own.patient.id == record.id and own.patient.has_account


def _actor(signed):
    from painpath.services.context import Actor

    return Actor(user_id=signed.user.id, role=signed.user.role, email=signed.user.email)


def test_a_used_link_cannot_be_used_again(services):
    clinician = make_user(services, Role.clinician)
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    accept(services, token)
    before = users(services)
    with pytest.raises(InviteUnusable) as caught:
        accept(services, token)
    assert caught.value.reason == "used"
    assert users(services) == before


def test_an_expired_link_says_so_and_changes_nothing(services):
    clinician = make_user(services, Role.clinician)
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    later = services.clock() + timedelta(days=services.settings.invite_days, seconds=1)
    before = users(services)
    with pytest.raises(InviteUnusable) as caught:
        accept(replace(services, clock=lambda: later), token)
    assert caught.value.reason == "expired"
    assert "expired" in caught.value.describe()
    assert users(services) == before


def test_an_unknown_link_is_refused(services):
    with pytest.raises(InviteUnusable) as caught:
        accept(services, "not-a-real-token")
    assert caught.value.reason == "unknown"


def test_mismatched_passwords_save_nothing_and_keep_the_link_usable(services):
    clinician = make_user(services, Role.clinician)
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    before = users(services)
    with pytest.raises(InvalidInput) as caught:
        accept(services, token, confirm="something else entirely")
    assert caught.value.errors == {"password_confirm": "The two passwords are not the same."}
    assert users(services) == before
    assert accept(services, token).user.email == "ada@home.example.org"


def test_a_short_password_is_refused(services):
    clinician = make_user(services, Role.clinician)
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    with pytest.raises(InvalidInput) as caught:
        accept(services, token, password="short", confirm="short")
    assert "password" in caught.value.errors


def test_a_new_link_replaces_older_unused_ones(services):
    clinician = make_user(services, Role.clinician)
    record = make_patient(services, clinician)
    first = invite(services, clinician, record, "typo@home.example.org")
    second = invite(services, clinician, record, "ada@home.example.org")
    with pytest.raises(InviteUnusable) as caught:
        accept(services, first)
    assert caught.value.reason == "expired"
    assert accept(services, second).user.email == "ada@home.example.org"


def test_a_link_never_checks_passwords_and_says_the_same_for_any_existing_account(services):
    clinician = make_user(services, Role.clinician, email="sam@clinic.example.org")
    make_user(services, Role.patient, email="ada@home.example.org")
    messages = set()
    for email in ("ada@home.example.org", "sam@clinic.example.org"):
        token = invite(services, clinician, make_patient(services, clinician), email)
        for password in (PASSWORD, "a wrong guess here"):  # the right one changes nothing
            with pytest.raises(InvalidInput) as caught:
                accept(services, token, password=password, confirm=password)
            messages.add(caught.value.errors["password"])
    assert messages == {invites.EXISTING_ACCOUNT}


def test_signed_in_patient_links_the_record_to_their_account(services):
    clinician = make_user(services, Role.clinician)
    existing = make_user(services, Role.patient, email="ada@home.example.org")
    record = make_patient(services, clinician)
    token = invite(services, clinician, record, "ada@home.example.org")
    signed = invites.accept_invite(existing.ctx(services), token)
    assert signed.user.id == existing.id
    with transaction(services.db) as session:
        assert session.get(Patient, record.id).user_id == existing.id


def test_signed_in_as_someone_else_cannot_take_the_link(services):
    clinician = make_user(services, Role.clinician)
    other = make_user(services, Role.patient, email="bea@home.example.org")
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    with pytest.raises(InvalidInput) as caught:
        invites.accept_invite(other.ctx(services), token)
    assert "different email" in caught.value.errors["email"]
    with pytest.raises(InvalidInput):
        invites.accept_invite(clinician.ctx(services), token)  # staff never become patients


def test_failed_acceptances_are_audited(services):
    clinician = make_user(services, Role.clinician)
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    with pytest.raises(InvalidInput):
        accept(services, token, confirm="not the same at all")
    with pytest.raises(InviteUnusable):
        accept(services, "guessed-token")
    with transaction(services.db) as session:
        outcomes = session.scalars(
            select(AuditEvent.outcome).where(AuditEvent.action == "invite.accept")
        ).all()
    assert outcomes == ["failed", "failed"]


def test_cannot_invite_to_a_record_that_already_has_an_account(services):
    clinician = make_user(services, Role.clinician)
    record = make_patient(services, clinician)
    accept(services, invite(services, clinician, record, "ada@home.example.org"))
    with pytest.raises(InvalidInput):
        invite(services, clinician, record, "other@home.example.org")


def test_only_the_care_team_can_invite(services):
    clinician = make_user(services, Role.clinician)
    other = make_user(services, Role.clinician)
    admin = make_user(services, Role.admin)
    record = make_patient(services, clinician)
    with pytest.raises(NotFound):
        invite(services, other, record, "ada@home.example.org")
    with pytest.raises(Exception) as caught:
        invite(services, admin, record, "ada@home.example.org")
    assert caught.type.__name__ == "Forbidden"


def test_concurrent_invitations_leave_exactly_one_working_link(services):
    from concurrent.futures import ThreadPoolExecutor

    clinician = make_user(services, Role.clinician)
    record = make_patient(services, clinician)
    with ThreadPoolExecutor(max_workers=6) as pool:
        tokens = list(
            pool.map(
                lambda i: invite(services, clinician, record, f"ada{i}@home.example.org"), range(6)
            )
        )
    usable = 0
    for token in tokens:
        try:
            invites.describe_invite(Context(services), token)
            usable += 1
        except InviteUnusable:
            pass
    assert usable == 1


def test_invitation_links_never_come_from_the_host_header(services):
    from painpath.services.context import Services
    from tests.factories import make_patient, make_world
    from tests.web_helpers import client_for, post_form, sign_in

    for base, expected in (
        ("", "http://127.0.0.1:8000/invite/"),
        ("https://physio.example.org/", "https://physio.example.org/invite/"),
    ):
        configured = Services(
            services.settings.model_copy(update={"base_url": base.rstrip("/")}),
            services.db,
            services.clock,
        )
        world = make_world(configured)
        unlinked = make_patient(configured, world.clinician_a, f"Cy {len(base)}")
        client = client_for(configured)
        csrf = sign_in(client, world.clinician_a.email, world.clinician_a.password)
        client.headers["host"] = "evil.example"
        page = post_form(
            client, f"/patients/{unlinked.id}/invites", {"email": "cy@home.example.org"}, csrf
        )
        assert page.status_code in (200, 303), page.text[:300]
        if page.status_code == 303:
            page = client.get(page.headers["location"])
        assert expected in page.text and "evil.example" not in page.text


def test_a_base_url_that_is_not_an_address_is_refused():
    import pytest

    from painpath.settings import Settings

    with pytest.raises(ValueError, match="PAINPATH_BASE_URL"):
        Settings(base_url="javascript:alert(1)")
    assert Settings(base_url="https://physio.example.org/").base_url == "https://physio.example.org"
