"""What every instrument shares: metadata (from content YAML), item checks, scores.

Instruments whose text is licensed ship here as metadata + scoring only (clinical-spec
§0): item ids, response codes, domains, time frame, citation and licence note. The
item text comes from a clinic's own FHIR Questionnaire file.

Scoring is written for speed as well as clarity: research exports score hundreds of
thousands of rows, so the hot path works on plain dicts and tuples."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Direction(enum.StrEnum):
    higher_better = "higher_better"
    lower_better = "lower_better"


class ResponseScale(BaseModel):
    """Response codes and their generic labels (scale words, not item text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    codes: tuple[int, ...] = Field(min_length=2)
    labels: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _labels_match(self) -> ResponseScale:
        if self.labels and len(self.labels) != len(self.codes):
            raise ValueError("labels must match codes one to one")
        return self


class InstrumentItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    domain: str
    scale: str
    scored: bool = True


class Licence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    status: Literal["restricted", "conditional", "free", "unverified"]
    note: str
    sources: tuple[str, ...] = Field(min_length=1)


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    points: float | None = None
    percent: float | None = None
    by_baseline: tuple[tuple[float, float, float], ...] = ()  # (low, high, points)
    sources: tuple[str, ...] = Field(min_length=1)
    unverified: str | None = None
    note: str | None = None


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min: float
    max: float
    label: str
    meaning: str


class Interpretation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    bands: tuple[Band, ...] = ()
    bands_sources: tuple[str, ...] = ()
    bands_note: str | None = None
    mcid: Threshold | None = None
    mdc: Threshold | None = None
    floor_below: float | None = None  # improvement cannot be shown below this baseline
    ceiling_above: float | None = None  # deterioration cannot be shown above this baseline
    no_threshold_note: str | None = None


class InstrumentMeta(BaseModel):
    """An instrument as content: everything but the scoring arithmetic."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    short_name: str
    plain_name: str = Field(description="what it measures, in a patient's words")
    version: str
    regions: tuple[Literal["back", "hip"], ...]
    purpose: str
    time_frame: str
    licence: Licence
    citation: tuple[str, ...] = Field(min_length=1)
    scales: dict[str, ResponseScale]
    items: tuple[InstrumentItem, ...] = Field(min_length=1)
    score_range: tuple[float, float]
    unit: str
    direction: Direction
    scoring: dict[str, Any] = {}
    scoring_sources: tuple[str, ...] = Field(min_length=1)
    interpretation: Interpretation = Interpretation()
    unverified: tuple[str, ...] = ()
    implementation_choices: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> InstrumentMeta:
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.id}: item ids repeat")
        for item in self.items:
            if item.scale not in self.scales:
                raise ValueError(f"{self.id}: item {item.id} uses unknown scale {item.scale!r}")
        return self


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemProblem:
    item: str
    message: str

    def __str__(self) -> str:
        return f"item {self.item}: {self.message}"


class InstrumentInputError(ValueError):
    """Responses that cannot be scored. Names every bad item, not just the first."""

    def __init__(self, instrument: str, problems: list[ItemProblem]) -> None:
        self.instrument = instrument
        self.problems = tuple(problems)
        super().__init__(f"{instrument}: " + "; ".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Score:
    """A scored response. `value` is None when the missing-data rule withholds a score."""

    instrument: str
    value: float | None
    status: Literal["complete", "partial", "incomplete"]
    rule_version: str
    subscales: Mapping[str, float | None] = field(default_factory=dict)
    category: str | None = None
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "value": self.value,
            "status": self.status,
            "rule_version": self.rule_version,
            "subscales": dict(self.subscales),
            "category": self.category,
            "missing": list(self.missing),
            "notes": list(self.notes),
            "details": dict(self.details),
        }


class ItemReader:
    """Turns raw responses (ints from JSON, strings from CSV/FHIR) into checked codes.

    A lookup table per item maps every accepted spelling straight to its code, so a
    check costs one dict lookup. Two boxes ticked arrive as a list (or "2|3" in CSV);
    `multiple` says how to resolve them (the instrument's published rule), or refuses."""

    __slots__ = ("meta", "_lookup", "_allowed", "_keys", "_tables")

    def __init__(self, meta: InstrumentMeta) -> None:
        self.meta = meta
        self._lookup: dict[str, dict[Any, int]] = {}
        self._allowed: dict[str, str] = {}
        for item in meta.items:
            scale = meta.scales[item.scale]
            table: dict[Any, int] = {}
            for code in scale.codes:
                table[code] = code
                table[str(code)] = code
                table[float(code)] = code
            self._lookup[item.id] = table
            self._allowed[item.id] = ", ".join(str(c) for c in scale.codes)
        self._keys = frozenset(self._lookup)
        self._tables = tuple(self._lookup.items())

    def read(
        self,
        responses: Mapping[str, Any],
        *,
        multiple: Literal["max", "refuse"] = "refuse",
        items: tuple[str, ...] | None = None,
    ) -> tuple[dict[str, int | None], list[str]]:
        """Checked codes for every item (None = not answered) and notes; raises on bad input."""
        problems: list[ItemProblem] = []
        notes: list[str] = []
        if not responses.keys() <= self._keys:
            for key in responses:
                if key not in self._lookup:
                    problems.append(ItemProblem(str(key), f"is not an item of {self.meta.id}"))
        tables = self._tables if items is None else tuple((i, self._lookup[i]) for i in items)
        out: dict[str, int | None] = {}
        get = responses.get
        for item_id, table in tables:
            raw = get(item_id)
            try:
                # The hot path: one lookup turns a valid answer into its code. True/False
                # hash like 1/0, so booleans are refused explicitly below.
                code = table[raw]
                if raw is True or raw is False:
                    raise KeyError(raw)
                out[item_id] = code
                continue
            except (KeyError, TypeError):
                pass
            if isinstance(raw, str):
                raw = raw.strip()
                if raw in table:
                    out[item_id] = table[raw]
                    continue
                if "|" in raw:
                    raw = [part.strip() for part in raw.split("|")]
            if raw is None or raw == "":
                out[item_id] = None
                continue
            if isinstance(raw, list | tuple):
                codes = [_code(table, v) for v in raw]
                if not raw or None in codes:
                    allowed = self._allowed[item_id]
                    problems.append(
                        ItemProblem(item_id, f"{raw!r}: each mark must be one of {allowed}")
                    )
                    continue
                if len(codes) > 1:
                    if multiple == "refuse":
                        problems.append(ItemProblem(item_id, "has more than one answer"))
                        continue
                    notes.append(f"item {item_id}: two boxes marked; the higher score is used")
                out[item_id] = max(c for c in codes if c is not None)
                continue
            problems.append(
                ItemProblem(
                    item_id,
                    f"{_shown(raw)} is not a valid answer (allowed: {self._allowed[item_id]})",
                )
            )
        if problems:
            raise InstrumentInputError(self.meta.id, problems)
        return out, notes


def _code(table: Mapping[Any, int], value: Any) -> int | None:
    if value is True or value is False:
        return None
    try:
        return table.get(value)
    except TypeError:  # an unhashable value such as a JSON object
        return None


def _shown(raw: Any) -> str:
    """An answer as quoted in an error, cut short: a 5,000-digit answer is one line."""
    text = repr(raw)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text)} characters)"
