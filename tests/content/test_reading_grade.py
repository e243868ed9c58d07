"""Patient-facing words at a reading grade of 8 or below (Flesch-Kincaid, textstat).

Measured on what a patient actually reads: the check-in questions, and the patient
view of the result for every clinical vignette. Clinician wording is not held to it."""

from __future__ import annotations

import pytest
import textstat

from painpath.catalog import get_catalog
from painpath.core.questionnaire import AskedOf
from painpath.core.statements import Audience
from tests.content.test_vignettes import VIGNETTES, _run

MAX_GRADE = 8.0


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


def test_the_grade_measure_tells_plain_from_dense_text():
    # Guards the measure itself: it must be able to fail.
    plain = "Your back pain will most likely get better. Keep moving. Walk a little each day."
    dense = (
        "Nonspecific lumbosacral symptomatology demonstrates considerable heterogeneity "
        "regarding pathophysiological mechanisms and prognostic trajectories."
    )
    assert grade(plain) <= MAX_GRADE < grade(dense)


def test_checkin_questions_read_at_grade_8_or_below():
    items = get_catalog().checkin.items.values()
    text = " ".join(i.text for i in items if i.audience == AskedOf.everyone)
    assert grade(text) <= MAX_GRADE


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_patient_result_reads_at_grade_8_or_below(vignette):
    result, problems = _run(vignette, get_catalog())
    assert not problems
    text = " ".join(s.text for s in result.statements(Audience.patient))
    text += " " + " ".join(f"{f.title}. {f.action}" for f in result.screening.flags)
    assert grade(text) <= MAX_GRADE, f"grade {grade(text):.1f}: {text[:300]}"
