"""Oswestry Disability Index v2.1a (clinical-spec §2.2; Fairbank & Pynsent 2000)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from painpath.core.instruments.base import ItemReader, Score

RULE_VERSION = "fairbank-2000"


def score(
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
    *,
    min_answered: int,
) -> Score:
    # Two boxes ticked in a section: the higher score counts (Fairbank).
    r, notes = reader.read(responses, multiple="max")
    answered = [v for v in r.values() if v is not None]
    missing = tuple(k for k, v in r.items() if v is None)
    numerator = sum(answered)  # type: ignore[arg-type]
    denominator = 5 * len(answered)  # drops by 5 for each unanswered section
    details = {"numerator": numerator, "denominator": denominator}
    if len(answered) < min_answered:
        return Score(
            "odi",
            None,
            "incomplete",
            RULE_VERSION,
            missing=missing,
            notes=tuple(notes),
            details=details,
        )
    return Score(
        "odi",
        100 * numerator / denominator,
        "complete",
        RULE_VERSION,
        missing=missing,
        notes=tuple(notes),
        details=details,
    )
