"""Validated instruments for a patient: score and save (from paper or loaded text),
history with change against the first score, and a clinic's licensed item text."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from painpath.core.access import PatientAction
from painpath.core.instruments import InstrumentInputError, Score
from painpath.core.instruments.registry import Reading
from painpath.interop.fhir_questionnaire import (
    LoadedText,
    QuestionnaireMismatch,
    check_questionnaire,
)
from painpath.services import audit
from painpath.services.checkins import catalog_for
from painpath.services.context import Context
from painpath.services.errors import Forbidden, InvalidInput, NotFound
from painpath.services.patients import patient_transaction
from painpath.store.db import transaction
from painpath.store.models import InstrumentResponse, InstrumentText


@dataclass(frozen=True)
class ScoredResponse:
    id: int
    instrument: str
    name: str
    administered_on: date
    source: str
    score: Score
    reading: Reading


def _score_of(data: Mapping[str, Any]) -> Score:
    return Score(
        instrument=data["instrument"],
        value=data["value"],
        status=data["status"],
        rule_version=data["rule_version"],
        subscales=data.get("subscales") or {},
        category=data.get("category"),
        missing=tuple(data.get("missing") or ()),
        notes=tuple(data.get("notes") or ()),
        details=data.get("details") or {},
    )


def record_instrument(
    ctx: Context,
    patient_id: int,
    instrument_id: str,
    responses: Mapping[str, Any],
    *,
    options: Mapping[str, str] | None = None,
    administered_on: date,
    source: str,
    submission_key: str,
) -> ScoredResponse:
    """Score and save one administration. Bad answers: nothing saved, every bad item named.
    The same submission_key twice saves once (a double-clicked form)."""
    catalog = catalog_for(ctx)
    instrument = catalog.instruments.get(instrument_id)
    if instrument is None:
        raise NotFound("instrument")
    if source not in ("paper", "questionnaire"):
        raise InvalidInput({"source": "must be paper or questionnaire"})
    if administered_on > ctx.today():
        raise InvalidInput({"administered_on": "cannot be in the future"})
    if administered_on.year < 1900:
        raise InvalidInput({"administered_on": "give the date it was filled in (1900 or later)"})
    if not submission_key or len(submission_key) > 64:
        raise InvalidInput({"submission_key": "is required (at most 64 characters)"})
    try:
        score = instrument.score(responses, options or {})
    except InstrumentInputError as error:
        raise InvalidInput({p.item: p.message for p in error.problems}) from None
    except ValueError as error:
        raise InvalidInput({"options": str(error)}) from None
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        existing = session.scalar(
            select(InstrumentResponse).where(
                InstrumentResponse.patient_id == patient_id,
                InstrumentResponse.submission_key == submission_key,
            )
        )
        if existing is not None:
            same = (
                existing.instrument == instrument_id
                and existing.responses == dict(responses)
                and existing.options == dict(options or {})
            )
            if not same:
                raise InvalidInput(
                    {"submission_key": "was already used for a different submission"}
                )
            return _scored(catalog, existing, None)  # the same form sent twice: saved once
        now = ctx.now()
        row = InstrumentResponse(
            patient_id=patient_id,
            instrument=instrument_id,
            responses=dict(responses),
            options=dict(options or {}),
            score=score.as_dict(),
            value=score.value,
            category=score.category,
            status=score.status,
            rule_version=score.rule_version,
            source=source,
            content_version=catalog.version,
            administered_on=datetime.combine(administered_on, time(12), tzinfo=now.tzinfo),
            entered_by_id=ctx.actor.user_id,
            created_at=now,
            submission_key=submission_key,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            ctx,
            "instrument.create",
            subject_type="instrument_response",
            subject_id=row.id,
            detail=f"{instrument_id} for patient {patient_id}",
        )
        return _scored(catalog, row, None)


def _scored(catalog: Any, row: InstrumentResponse, baseline: Score | None) -> ScoredResponse:
    instrument = catalog.instruments[row.instrument]
    score = _score_of(row.score)
    return ScoredResponse(
        id=row.id,
        instrument=row.instrument,
        name=instrument.meta.short_name,
        administered_on=row.administered_on.date(),
        source=row.source,
        score=score,
        reading=instrument.interpret(score, baseline),
    )


def history(ctx: Context, patient_id: int) -> dict[str, list[ScoredResponse]]:
    """Every score by instrument, oldest first; each compared with the first (baseline)."""
    catalog = catalog_for(ctx)
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, _patient):
        rows = session.scalars(
            select(InstrumentResponse)
            .where(InstrumentResponse.patient_id == patient_id)
            .order_by(InstrumentResponse.administered_on, InstrumentResponse.id)
        ).all()
        audit.record(session, ctx, "instrument.list", subject_type="patient", subject_id=patient_id)
        out: dict[str, list[ScoredResponse]] = {}
        for row in rows:
            if row.instrument not in catalog.instruments:
                continue
            series = out.setdefault(row.instrument, [])
            baseline = series[0].score if series else None
            out[row.instrument].append(_scored(catalog, row, baseline))
        return out


# --- licensed text -------------------------------------------------------------------------


def load_text(ctx: Context, instrument_id: str, data: Any) -> LoadedText:
    """Check a FHIR Questionnaire against the instrument and store it (admins, CLI)."""
    audit.require_admin(ctx, "instrument_text.load")
    catalog = catalog_for(ctx)
    instrument = catalog.instruments.get(instrument_id)
    if instrument is None:
        raise NotFound("instrument")
    loaded = check_questionnaire(data, instrument.meta)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    with transaction(ctx.services.db) as session:
        row = session.get(InstrumentText, instrument_id)
        if row is None:
            row = InstrumentText(instrument=instrument_id)
            session.add(row)
        row.questionnaire = data
        row.sha256 = digest
        row.loaded_at = ctx.now()
        row.loaded_by = ctx.actor.email
        audit.record(
            session,
            ctx,
            "instrument_text.load",
            subject_type="instrument",
            subject_id=instrument_id,
        )
    return loaded


def loaded_text(ctx: Context, instrument_id: str) -> LoadedText | None:
    """The clinic's licensed text for an instrument, if loaded (clinicians only)."""
    if ctx.actor.role is None:
        audit.require_signed_in(ctx)
    if ctx.actor.role.value not in ("clinician", "admin"):
        raise Forbidden("Only clinicians administer instruments.")
    catalog = catalog_for(ctx)
    instrument = catalog.instruments.get(instrument_id)
    if instrument is None:
        raise NotFound("instrument")
    with transaction(ctx.services.db) as session:
        row = session.get(InstrumentText, instrument_id)
        if row is None:
            return None
        try:
            return check_questionnaire(row.questionnaire, instrument.meta)
        except QuestionnaireMismatch:
            # The instrument's items changed since the text was loaded: fall back to
            # paper entry rather than show text that no longer matches.
            return None
