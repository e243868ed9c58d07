"""painpath's own questionnaires (FHIR-Questionnaire-like) and answer validation.

The check-in is data (content/instruments/checkin.yaml): steps of items with ids,
types, answer options, `enable_when` conditions and required flags. This module
validates a person's answers against it and decides which items apply.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from painpath.core.conditions import Condition, comparisons, parse_condition


class ItemType(enum.StrEnum):
    boolean = "boolean"
    integer = "integer"
    decimal = "decimal"
    choice = "choice"
    multi_choice = "multi_choice"
    text = "text"
    rated_activities = "rated_activities"  # up to N named activities, each rated on a scale


class AskedOf(enum.StrEnum):
    everyone = "everyone"
    clinician = "clinician"  # e.g. blood results: asked only when a clinician fills it in


class AnswerOption(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str
    short: str | None = None


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: ItemType
    text: str
    short: str = Field(description="a few words naming the item, used in reasons")
    help: str | None = None
    required: bool = False
    audience: AskedOf = AskedOf.everyone
    options: tuple[AnswerOption, ...] = ()
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    anchors: tuple[str, str] | None = None  # words at the two ends of a 0-10 scale
    max_entries: int | None = None  # rated_activities only
    enable_when: Condition | None = None

    @field_validator("enable_when", mode="before")
    @classmethod
    def _parse_condition(cls, raw: Any, info: Any) -> Condition | None:
        if raw is None or not isinstance(raw, Mapping):
            return raw
        return parse_condition(raw, f"{info.data.get('id', '?')}.enable_when")

    @model_validator(mode="after")
    def _shape(self) -> Item:
        has_options = self.type in (ItemType.choice, ItemType.multi_choice)
        if has_options and len(self.options) < 2:
            raise ValueError(f"{self.id}: a {self.type} item needs at least two options")
        if not has_options and self.options:
            raise ValueError(f"{self.id}: only choice items have options")
        codes = [o.code for o in self.options]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.id}: option codes repeat")
        numeric = self.type in (ItemType.integer, ItemType.decimal, ItemType.rated_activities)
        if numeric and (self.min is None or self.max is None or self.min >= self.max):
            raise ValueError(f"{self.id}: numeric items need min < max")
        if self.type == ItemType.rated_activities and not self.max_entries:
            raise ValueError(f"{self.id}: rated_activities needs max_entries")
        return self

    def option(self, code: str) -> AnswerOption | None:
        return next((o for o in self.options if o.code == code), None)


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    intro: str | None = None
    items: tuple[Item, ...]
    enable_when: Condition | None = None

    @field_validator("enable_when", mode="before")
    @classmethod
    def _parse_condition(cls, raw: Any, info: Any) -> Condition | None:
        if raw is None or not isinstance(raw, Mapping):
            return raw
        return parse_condition(raw, f"step {info.data.get('id', '?')}.enable_when")


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    version: str
    description: str
    sources: tuple[str, ...] = ()
    # The steps every red-flag rule of a stopping tier below EMERGENCY may draw on: the
    # check-in stops for URGENT or SOON only once these are answered, so a worse flag
    # on a later safety question is never left unasked. EMERGENCY stops at once.
    safety_steps: tuple[str, ...] = ()
    steps: tuple[Step, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        seen: dict[str, Item] = {}
        for step in self.steps:
            if step.enable_when is not None:
                _check_references(step.enable_when, seen, f"step {step.id}")
            for item in step.items:
                if item.id in seen:
                    raise ValueError(f"item id {item.id!r} is used twice")
                if item.enable_when is not None:
                    # Only earlier items may decide whether an item is asked: this keeps
                    # every question reachable and rules out cycles.
                    _check_references(item.enable_when, seen, item.id)
                seen[item.id] = item
        step_ids = [s.id for s in self.steps]
        if len(set(step_ids)) != len(step_ids):
            raise ValueError("step ids repeat")
        if list(self.safety_steps) != step_ids[: len(self.safety_steps)]:
            raise ValueError("safety_steps must be the first steps, in order")
        return self

    def item_step(self, item_id: str) -> str | None:
        return next((s.id for s in self.steps for i in s.items if i.id == item_id), None)

    @property
    def items(self) -> dict[str, Item]:
        return {item.id: item for step in self.steps for item in step.items}

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


def _check_references(condition: Condition, known: Mapping[str, Item], where: str) -> None:
    for leaf in comparisons(condition):
        target = known.get(leaf.item)
        if target is None:
            raise ValueError(f"{where}: condition refers to {leaf.item!r}, not an earlier item")
        check_comparison_values(leaf, target, where)


def check_comparison_values(leaf: Any, target: Item, where: str) -> None:
    """A condition may only compare an item with values that item can take."""
    if leaf.op == "answered":
        return
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    if target.type in (ItemType.choice, ItemType.multi_choice):
        codes = {o.code for o in target.options}
        unknown = [v for v in values if v not in codes]
        if unknown:
            raise ValueError(f"{where}: {target.id} has no option {unknown} (has {sorted(codes)})")
    elif target.type == ItemType.boolean:
        if any(not isinstance(v, bool) for v in values):
            raise ValueError(f"{where}: {target.id} is yes/no; compare with true or false")
    elif target.type in (ItemType.integer, ItemType.decimal):
        assert target.min is not None and target.max is not None
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError(f"{where}: {target.id} is a number; got {v!r}")


# --- answers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.item}: {self.message}"


def is_enabled(q: Questionnaire, item_id: str, answers: Mapping[str, Any]) -> bool:
    for step in q.steps:
        for item in step.items:
            if item.id == item_id:
                if step.enable_when is not None and not step.enable_when.holds(answers, set()):
                    return False
                return item.enable_when is None or item.enable_when.holds(answers, set())
    return False


def enabled_items(
    q: Questionnaire, step: Step, answers: Mapping[str, Any], *, clinician: bool
) -> list[Item]:
    if step.enable_when is not None and not step.enable_when.holds(answers, set()):
        return []
    return [
        item
        for item in step.items
        if (item.enable_when is None or item.enable_when.holds(answers, set()))
        and (clinician or item.audience == AskedOf.everyone)
    ]


def coerce_answer(item: Item, raw: Any) -> tuple[Any, str | None]:
    """Check one answer against its item. Returns (value, None) or (None, problem)."""
    t = item.type
    if t == ItemType.boolean:
        if isinstance(raw, bool):
            return raw, None
        return None, "must be true or false"
    if t in (ItemType.integer, ItemType.decimal):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            return None, f"must be a number from {_num(item.min)} to {_num(item.max)}"
        if t == ItemType.integer and raw != int(raw):
            return None, f"must be a whole number from {_num(item.min)} to {_num(item.max)}"
        assert item.min is not None and item.max is not None
        if not item.min <= raw <= item.max:
            return None, f"{_num(raw)} is out of range {_num(item.min)}–{_num(item.max)}"
        return (int(raw) if t == ItemType.integer else float(raw)), None
    if t == ItemType.choice:
        if isinstance(raw, str) and item.option(raw):
            return raw, None
        return None, f"{raw!r} is not one of {', '.join(o.code for o in item.options)}"
    if t == ItemType.multi_choice:
        if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
            return None, "must be a list of option codes"
        unknown = [v for v in raw if not item.option(v)]
        if unknown:
            return None, f"unknown option(s) {', '.join(map(repr, unknown))}"
        if len(set(raw)) != len(raw):
            return None, "lists an option twice"
        order = [o.code for o in item.options]
        return sorted(raw, key=order.index), None
    if t == ItemType.text:
        if not isinstance(raw, str):
            return None, "must be text"
        text = raw.strip()
        if len(text) > 500:
            return None, "is longer than 500 characters"
        return (text or None), None
    if t == ItemType.rated_activities:
        return _coerce_activities(item, raw)
    raise AssertionError(t)


def _coerce_activities(item: Item, raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, list | tuple):
        return None, "must be a list of {activity, score}"
    assert item.max_entries is not None and item.min is not None and item.max is not None
    if len(raw) > item.max_entries:
        return None, f"at most {item.max_entries} activities"
    clean = []
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping) or set(entry) != {"activity", "score"}:
            return None, f"activity {n} must have exactly 'activity' and 'score'"
        name, score = entry["activity"], entry["score"]
        if not isinstance(name, str) or not name.strip() or len(name) > 120:
            return None, f"activity {n} needs a name of 1–120 characters"
        if (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not (item.min <= score <= item.max)
        ):
            return (
                None,
                f"activity {n} score must be a whole number {_num(item.min)}–{_num(item.max)}",
            )
        clean.append({"activity": name.strip(), "score": score})
    return clean, None


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def validate_answers(
    q: Questionnaire,
    raw: Mapping[str, Any],
    *,
    complete: bool,
    clinician: bool = True,
) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """Check a whole set of answers. Returns (clean answers, problems).

    Every problem is reported — unknown items, wrong types, out-of-range values,
    answers to questions that do not apply, and (when `complete`) required questions
    left out. Nothing is guessed: a problem item is left out of the clean answers."""
    items = q.items
    clean: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for key, value in raw.items():
        item = items.get(key)
        if item is None:
            problems.append(AnswerProblem(key, "is not a check-in item"))
            continue
        if value is None:
            continue
        coerced, problem = coerce_answer(item, value)
        if problem:
            problems.append(AnswerProblem(key, problem))
        elif coerced is not None:
            clean[key] = coerced
    kept = prune_disabled(q, clean)
    for key in sorted(clean.keys() - kept.keys()):
        problems.append(
            AnswerProblem(key, "was answered but does not apply to the other answers given")
        )
    clean = kept
    if complete:
        for step in q.steps:
            for item in enabled_items(q, step, clean, clinician=clinician):
                if item.required and item.id not in clean and item.id not in raw:
                    problems.append(AnswerProblem(item.id, "is required"))
    return clean, problems


def prune_disabled(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop answers to questions that no longer apply (after an earlier answer changed)."""
    kept = dict(answers)
    changed = True
    while changed:  # a removal can disable further items that depended on it
        changed = False
        for key in list(kept):
            if key in q.items and not is_enabled(q, key, kept):
                del kept[key]
                changed = True
    return kept
