"""Input rules: what a person may type, and the message when they can't."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from painpath.services.errors import InvalidInput
from painpath.services.passwords import MIN_LENGTH, password_problem
from painpath.services.schemas import NewInvite, NewPatient, NewUser, normalise_email, parse


def test_email_is_lower_cased_so_one_person_has_one_account():
    assert normalise_email("  Ada.Lovelace@Example.ORG ") == "ada.lovelace@example.org"


@pytest.mark.parametrize("bad", ["", "ada", "ada@", "@example.org", "ada@@example.org"])
def test_malformed_email_is_refused_with_an_example(bad):
    with pytest.raises(InvalidInput) as caught:
        parse(NewInvite, {"email": bad})
    assert "name@example.org" in caught.value.errors["email"]


@pytest.mark.parametrize(
    ("length", "ok"), [(MIN_LENGTH - 1, False), (MIN_LENGTH, True), (256, True), (257, False)]
)
def test_password_length_boundaries(length, ok):
    assert (password_problem("x" * length) is None) is ok


def test_password_of_spaces_is_refused():
    assert password_problem(" " * 12) == "A password cannot be only spaces."


@pytest.mark.parametrize(("year", "ok"), [(1899, False), (1900, True), (1980, True)])
def test_birth_year_lower_boundary(year, ok):
    data = {"display_name": "Pat", "birth_year": year}
    if ok:
        assert parse(NewPatient, data).birth_year == year
    else:
        with pytest.raises(InvalidInput) as caught:
            parse(NewPatient, data)
        assert "birth_year" in caught.value.errors


def test_birth_year_in_the_future_is_refused():
    next_year = datetime.now(UTC).year + 1
    with pytest.raises(InvalidInput) as caught:
        parse(NewPatient, {"display_name": "Pat", "birth_year": next_year})
    assert caught.value.errors == {"birth_year": "Year of birth cannot be in the future."}


def test_unknown_fields_are_refused_not_ignored():
    with pytest.raises(InvalidInput) as caught:
        parse(NewPatient, {"display_name": "Pat", "birth_year": 1980, "is_admin": True})
    assert caught.value.errors == {"is_admin": "This field is not recognised."}


def test_missing_and_blank_fields_say_required():
    with pytest.raises(InvalidInput) as caught:
        parse(NewPatient, {"display_name": "   "})
    assert caught.value.errors == {
        "display_name": "This is required.",
        "birth_year": "This is required.",
    }


def test_non_numeric_year_asks_for_a_whole_number():
    with pytest.raises(InvalidInput) as caught:
        parse(NewPatient, {"display_name": "Pat", "birth_year": "nineteen"})
    assert caught.value.errors == {"birth_year": "Enter a whole number."}


def test_unknown_role_is_refused():
    with pytest.raises(InvalidInput) as caught:
        parse(NewUser, {"email": "a@b.example.org", "role": "superuser", "password": "x" * 12})
    assert caught.value.errors == {"role": "Choose one of the options."}


@given(st.emails())
def test_any_valid_email_normalises_to_lower_case(email):
    try:
        normalised = normalise_email(email)
    except ValueError:
        return  # hypothesis can produce addresses email-validator rightly refuses
    assert normalised == normalised.lower()
    assert normalise_email(normalised.upper()) == normalised
