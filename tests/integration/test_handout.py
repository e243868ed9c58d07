"""Printable handouts: real PDFs, parsed back to check what a person would read."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from painpath.cli import app
from painpath.services import programmes
from painpath.settings import get_settings
from tests.factories import finished_checkin, make_world
from tests.web_helpers import client_for, sign_in

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "checkin-answers.json"


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(page.extract_text() for page in reader.pages).split()
    return len(reader.pages), " ".join(words)


def test_handout_pdf_has_every_exercise_its_dose_stop_signs_and_a_log(sqlite_services):
    world = make_world(sqlite_services)
    finished_checkin(sqlite_services, world.record_a.id, json.loads(EXAMPLE.read_text()))
    view = programmes.create_from_checkin(world.patient_a.ctx(sqlite_services), world.record_a.id)
    client = client_for(sqlite_services)
    sign_in(client, world.patient_a.email, world.patient_a.password)
    response = client.get(f"/patients/{world.record_a.id}/programme/handout.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pages, text = text_of(response.content)
    assert pages >= 2
    for item in view.items:
        assert item.exercise.name in text
    assert "Stop if" in text and "Exercise log" in text and "Next-morning pain" in text
    assert "Ada Patient" in text


def test_cli_handout_from_an_answers_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PAINPATH_CLINIC_NAME", "Riverside Physio")
    get_settings.cache_clear()
    out = tmp_path / "plan.pdf"
    result = CliRunner().invoke(
        app, ["handout", "--answers", str(EXAMPLE), "--out", str(out), "--name", "Sam"]
    )
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    pages, text = text_of(out.read_bytes())
    assert "Riverside Physio" in text and "for Sam" in text
    assert not (tmp_path / "plan.pdf.part").exists()


def test_cli_handout_needs_exactly_one_source(tmp_path, monkeypatch):
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["handout"])
    get_settings.cache_clear()
    assert result.exit_code == 1 and "exactly one" in result.output


def test_missing_pango_gives_a_clear_message_not_a_crash(sqlite_services, monkeypatch):
    import builtins

    world = make_world(sqlite_services)
    finished_checkin(sqlite_services, world.record_a.id, json.loads(EXAMPLE.read_text()))
    programmes.create_from_checkin(world.patient_a.ctx(sqlite_services), world.record_a.id)
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    client = client_for(sqlite_services)
    sign_in(client, world.patient_a.email, world.patient_a.password)
    response = client.get(f"/patients/{world.record_a.id}/programme/handout.pdf")
    assert response.status_code == 503
    assert "libpango" in response.text


def test_cli_handout_for_a_stored_programme_by_id(tmp_path, monkeypatch):
    from painpath.services.runtime import open_services

    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PAINPATH_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    services = open_services(get_settings())
    world = make_world(services)
    finished_checkin(services, world.record_a.id, json.loads(EXAMPLE.read_text()))
    view = programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    out = tmp_path / "p.pdf"
    result = runner.invoke(app, ["handout", "--programme", str(view.id), "--out", str(out)])
    missing = runner.invoke(app, ["handout", "--programme", "999999", "--out", str(out)])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert view.items[0].exercise.name in text_of(out.read_bytes())[1]
    assert missing.exit_code == 1 and "No such programme" in missing.output


def test_the_clinic_name_prints_as_typed_in_the_footer_and_heading(sqlite_services):
    from painpath.services.context import Services

    services = Services(
        sqlite_services.settings.model_copy(update={"clinic_name": 'Smith & Jones "Physio" <b>'}),
        sqlite_services.db,
        sqlite_services.clock,
    )
    world = make_world(services)
    finished_checkin(services, world.record_a.id, json.loads(EXAMPLE.read_text()))
    programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    _, pdf = programmes.handout(world.patient_a.ctx(services), world.record_a.id)
    _, text = text_of(pdf)
    assert 'Smith & Jones "Physio" <b> · page 1 of' in text
    assert "&amp;" not in text and "&quot;" not in text
