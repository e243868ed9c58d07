"""The answer cards painpath shows above search results, checked against its own rules:
the warning-signs card must say what redflags.yaml says about how fast to act, for every
emergency; and cards show for the questions they answer, reassurance never over a
warning sign."""

from __future__ import annotations

import pytest

from painpath.catalog import get_catalog
from painpath.search.answers import AnswerCards
from painpath.search.language import Reader

CATALOG = get_catalog()
CARD = next(c for c in CATALOG.answer_cards.cards if c.id == "red-flags")
READER = Reader(CATALOG.vocabulary, CATALOG.intents)

# Each EMERGENCY rule, and the words of the card that send a person to emergency care
# for it. A new EMERGENCY rule fails here until the card covers it.
EMERGENCY_WORDS = {
    "ces_bladder_bowel": "New trouble passing urine or controlling your bladder or bowels",
    "ces_saddle_numbness": "New numbness around your bottom or genitals",
    "ces_sexual_change": "a new change in sexual feeling",
    "ces_bilateral_leg_symptoms": "Pain, numbness or weakness in both legs that is new or",
    "progressive_neuro_deficit": "a leg that is getting weaker",
    "mscc_cancer_with_neuro": "New numbness or weakness in a leg if you have had cancer",
    "spinal_infection_emergency": "Back pain with a fever if you inject drugs",
    "fracture_major_trauma": "Pain after a major injury",
    "aortic_aneurysm_suspected": "Sudden, severe back or belly pain",
    "aortic_aneurysm_known_new_pain": "New or changed back or belly pain if you have an aortic",
    "prosthetic_hip_infection": "Hip pain with a fever if you have a new hip joint",
    "hip_fracture": "A fall after which you cannot stand on the leg",
    "fall_cannot_stand": "A fall after which you cannot stand on the leg",
    "septic_hip_adult": "A hot, red or swollen hip",
    "limb_ischaemia": "A pale, cold leg",
    "septic_hip_child": "in a child or teenager, hip pain with a fever",
    "scfe_suspected": "hip, thigh or knee pain with a limp",
}
EMERGENCY_PART = CARD.text.split("Speak to a doctor today")[0]


def test_every_emergency_rule_is_in_the_table():
    emergencies = {r.id for r in CATALOG.redflags.rules if r.tier.value == "EMERGENCY"}
    assert emergencies == set(EMERGENCY_WORDS)


@pytest.mark.parametrize("rule", sorted(EMERGENCY_WORDS))
def test_the_card_sends_each_emergency_to_emergency_care(rule):
    assert "Call an ambulance or go to an emergency department now" in EMERGENCY_PART
    assert EMERGENCY_WORDS[rule] in " ".join(EMERGENCY_PART.split())


def test_the_card_never_clears_anyone():
    assert "never rules anything out" in CARD.text and "a clinician decides" in CARD.text


def cards(question: str) -> list[str]:
    return [a.id for a in AnswerCards(CATALOG).for_query(READER.read(question))]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("do I need an MRI?", ["imaging"]),
        ("should I get an x-ray for my lower back", ["imaging"]),
        ("can't pee and back pain", ["red-flags"]),
        ("wet myself and my back hurts", ["red-flags"]),
        ("fell and cant stand on my leg", ["red-flags"]),
        ("running and my hip is hot and swollen", ["red-flags"]),  # not the running card
        ("fell on my hip do i need an x ray", ["red-flags"]),  # not the back-scan card
        ("is running bad for my hip", ["running-hip"]),
        ("how do I stretch my hamstrings", []),
    ],
)
def test_cards_show_for_the_questions_they_answer(question, expected):
    assert cards(question) == expected


@pytest.mark.parametrize("card", CATALOG.answer_cards.cards, ids=lambda c: c.id)
def test_each_card_reads_at_grade_8_or_below_and_cites_sources(card):
    from painpath.core.articles import PATIENT_MAX_GRADE, reading_grade

    assert reading_grade(card.text) <= PATIENT_MAX_GRADE
    assert all(key in CATALOG.references for key in card.sources)
