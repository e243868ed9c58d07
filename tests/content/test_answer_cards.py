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
    "ces_bladder_bowel": "trouble passing urine or controlling your bladder or bowels",
    "ces_saddle_numbness": "numbness around your bottom or genitals",
    "ces_sexual_change": None,  # covered with the other nerve signs in the full article
    "ces_bilateral_leg_symptoms": "pain, numbness or weakness in both legs",
    "progressive_neuro_deficit": "a leg that is getting weaker",
    "mscc_cancer_with_neuro": None,  # nerve signs are listed; cancer is below
    "spinal_infection_emergency": "back pain with a fever if you inject drugs",
    "fracture_major_trauma": None,
    "aortic_aneurysm_suspected": "sudden, severe back or belly pain",
    "hip_fracture": "a fall after which you cannot stand on the leg",
    "septic_hip_adult": "a hot, red or swollen hip",
    "limb_ischaemia": "a pale, cold leg",
    "septic_hip_child": "in a child or teenager, hip pain with a fever",
    "scfe_suspected": "hip, thigh or knee pain with a limp",
}
EMERGENCY_PART = CARD.text.split("Speak to a doctor today")[0]


def test_every_emergency_rule_is_in_the_table():
    emergencies = {r.id for r in CATALOG.redflags.rules if r.tier.value == "EMERGENCY"}
    assert emergencies == set(EMERGENCY_WORDS)


@pytest.mark.parametrize("rule", sorted(k for k, v in EMERGENCY_WORDS.items() if v))
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
