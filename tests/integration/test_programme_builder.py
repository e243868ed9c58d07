"""The clinician's programme builder: protocols, add/remove/reorder, dose, override a
suggested change, templates. Patients cannot edit; every edit is recorded with a reason."""

from __future__ import annotations

import pytest

from painpath.services import programmes
from painpath.services.errors import Forbidden, InvalidInput
from tests.factories import make_world


def names(view) -> list[str]:
    return [i.exercise.id for i in view.items]


def test_assign_a_ready_made_protocol(services):
    world = make_world(services)
    ctx = world.clinician_a.ctx(services)
    view = programmes.assign_protocol(ctx, world.record_a.id, "hip_oa_chair_based")
    assert names(view) == ["chair_yoga_sequence", "seated_marching", "sit_to_stand"]
    assert all(i.reasons and i.sources for i in view.items)
    assert view.changes[0].decision == "assigned"


def test_add_reorder_dose_remove(services):
    world = make_world(services)
    ctx = world.clinician_a.ctx(services)
    programmes.add_item(ctx, world.record_a.id, "bird_dog")
    view = programmes.add_item(ctx, world.record_a.id, "glute_bridge")
    assert names(view) == ["bird_dog", "glute_bridge"]
    with pytest.raises(InvalidInput, match="already"):
        programmes.add_item(ctx, world.record_a.id, "bird_dog")
    bridge = view.items[1].id
    view = programmes.move_item(ctx, world.record_a.id, bridge, "up")
    assert names(view) == ["glute_bridge", "bird_dog"]
    view = programmes.set_dosage(ctx, world.record_a.id, bridge, {"sets": 3, "reps": 12})
    dose = next(i for i in view.items if i.id == bridge).dosage
    assert (dose.sets, dose.reps) == (3, 12)
    with pytest.raises(InvalidInput):
        programmes.set_dosage(ctx, world.record_a.id, bridge, {"sets": 9})
    view = programmes.remove_item(ctx, world.record_a.id, bridge)
    assert names(view) == ["bird_dog"]
    assert {c.decision for c in view.changes} == {"edited"}


def test_templates_are_saved_and_reused_for_another_patient(services):
    world = make_world(services)
    ctx = world.clinician_a.ctx(services)
    programmes.assign_protocol(ctx, world.record_a.id, "desk_workers_hips")
    template_id = programmes.save_template(ctx, world.record_a.id, "Desk set")
    assert [t[1] for t in programmes.templates(ctx)] == ["Desk set"]
    from tests.factories import make_patient

    other = make_patient(services, world.clinician_a, "Cy Other")
    view = programmes.assign_template(ctx, other.id, template_id)
    assert names(view)[0] == "hip_flexor_stretch_standing" and view.title == "Desk set"
    assert programmes.templates(world.other_clinician.ctx(services)) == []


def test_patients_and_admins_cannot_edit(services):
    world = make_world(services)
    for person in (world.patient_a, world.admin):
        with pytest.raises(Forbidden):
            programmes.add_item(person.ctx(services), world.record_a.id, "bird_dog")


def test_clinician_sets_the_pain_limits_and_bad_limits_are_refused(services):
    world = make_world(services)
    ctx = world.clinician_a.ctx(services)
    programmes.add_item(ctx, world.record_a.id, "bird_dog")
    view = programmes.set_thresholds(ctx, world.record_a.id, {"during_max": 3, "after_max": None})
    assert view.thresholds["during_max"] == 3 and view.thresholds["after_max"] == 5
    with pytest.raises(InvalidInput):
        programmes.set_thresholds(ctx, world.record_a.id, {"during_max": 11})


def test_programme_page_cites_its_sources_and_bad_numbers_are_named(services):
    from tests.web_helpers import client_for, post_form, sign_in

    world = make_world(services)
    programmes.assign_protocol(
        world.clinician_a.ctx(services), world.record_a.id, "desk_workers_hips"
    )
    client = client_for(services)
    csrf = sign_in(client, world.clinician_a.email, world.clinician_a.password)
    page = client.get(f"/patients/{world.record_a.id}/programme")
    assert 'id="ref-1"' in page.text and 'href="#ref-1"' in page.text
    view = programmes.current(world.clinician_a.ctx(services), world.record_a.id)
    bad = post_form(
        client,
        f"/patients/{world.record_a.id}/programme/items/{view.items[0].id}/dose",
        {"sets": "three"},
        csrf,
    )
    assert bad.status_code == 422 and "&#39;three&#39; is not a whole number" in bad.text
    player = client.get(f"/patients/{world.record_a.id}/programme/play/{view.items[0].id}")
    assert "Why this exercise" in player.text and "https://" in player.text
