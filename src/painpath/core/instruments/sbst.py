"""Keele STarT Back Screening Tool (clinical-spec §1; Hill 2008; Keele "Using & scoring")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from painpath.core.instruments.base import ItemReader, Score

RULE_VERSION = "keele-2008"
PSYCH_ITEMS = ("5", "6", "7", "8")
BOTHER_POSITIVE_FROM = 3  # item 9 counts only for "Very much" (3) or "Extremely" (4)


def score(reader: ItemReader, responses: Mapping[str, Any], options: Mapping[str, str]) -> Score:
    r, notes = reader.read(responses)
    missing = tuple(k for k, v in r.items() if v is None)
    if missing:  # implementation choice: Keele gives no missing-item rule, so all 9 are needed
        return Score("sbst", None, "incomplete", RULE_VERSION, missing=missing, notes=tuple(notes))
    b9 = 1 if r["9"] >= BOTHER_POSITIVE_FROM else 0  # type: ignore[operator]
    total = r["1"] + r["2"] + r["3"] + r["4"] + r["5"] + r["6"] + r["7"] + r["8"] + b9  # type: ignore[operator]
    psych = r["5"] + r["6"] + r["7"] + r["8"] + b9  # type: ignore[operator]
    if psych >= 4:
        risk = "high"
    elif total >= 4:
        risk = "medium"
    else:
        risk = "low"
    return Score(
        "sbst",
        float(total),
        "complete",
        RULE_VERSION,
        subscales={"psychosocial": float(psych)},
        category=risk,
        notes=tuple(notes),
    )
