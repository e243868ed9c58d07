"""Roland-Morris Disability Questionnaire, 24 items (clinical-spec §2.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from painpath.core.instruments.base import ItemReader, Score

RULE_VERSION = "roland-1983"


def score(reader: ItemReader, responses: Mapping[str, Any], options: Mapping[str, str]) -> Score:
    """`format=checklist` (the published form): an unticked statement scores 0.
    `format=yes_no` (default): a blank answer makes the score incomplete — no proration,
    because the sources give no proration rule (implementation choice)."""
    form = options.get("format", "yes_no")
    if form not in ("checklist", "yes_no"):
        raise ValueError(f"rmdq format must be checklist or yes_no, not {form!r}")
    r, notes = reader.read(responses)
    missing = tuple(k for k, v in r.items() if v is None)
    if missing and form == "yes_no":
        return Score("rmdq", None, "incomplete", RULE_VERSION, missing=missing, notes=tuple(notes))
    total = sum(v for v in r.values() if v)
    return Score(
        "rmdq", float(total), "complete", RULE_VERSION, notes=tuple(notes), details={"format": form}
    )
