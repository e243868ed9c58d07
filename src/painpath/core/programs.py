"""build_programme(): from a check-in's programme inputs to a short, explained home
programme. Pure and deterministic: the same inputs and content give the same programme.

The rules are data (content/programmes.yaml): which exercises to leave out and why,
which to favour and why, how many to choose, and where to start. Red-flag results
never get a programme: the caller passes `programme_inputs`, which assess() leaves
empty when the check-in stopped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from painpath.core.conditions import Condition, parse_condition
from painpath.core.exercises import Caution, Dosage, Exercise, Kind, Position
from painpath.core.pathway import ProgrammeInputs


def _parse(raw: Any, info: Any) -> Condition | None:
    if raw is None or not isinstance(raw, Mapping):
        return raw
    return parse_condition(raw, f"{info.data.get('id', 'rule')}.when")


class SessionRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min_exercises: int = Field(ge=1, le=10)
    max_exercises: int = Field(ge=1, le=10)
    by_minutes: tuple[tuple[int, int], ...]
    weeks: int = Field(ge=1, le=52)
    stage_weeks: int = Field(ge=1, le=12)
    implementation_choice: str | None = None
    sources: tuple[str, ...] = Field(min_length=1)


class Slot(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    kinds: tuple[Kind, ...] = Field(min_length=1)


class StartingLevel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    when: Condition | None = None
    max_level: int = Field(ge=1, le=4)

    _check = field_validator("when", mode="before")(_parse)


class LeaveOut(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    id: str
    when: Condition
    cautions: tuple[Caution, ...] = ()
    positions: tuple[Position, ...] = ()
    reason: str
    sources: tuple[str, ...] = Field(min_length=1)
    implementation_choice: str | None = None

    _check = field_validator("when", mode="before")(_parse)


class Favour(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    id: str
    when: Condition
    ids: tuple[str, ...] = Field(min_length=1)
    reason: str
    sources: tuple[str, ...] = Field(min_length=1)
    implementation_choice: str | None = None

    _check = field_validator("when", mode="before")(_parse)


class ProgrammeRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    session: SessionRules
    slots: tuple[Slot, ...] = Field(min_length=1)
    starting_level: tuple[StartingLevel, ...] = Field(min_length=1)
    leave_out: tuple[LeaveOut, ...]
    favour: tuple[Favour, ...]


# --- result -------------------------------------------------------------------------------


class Choice(BaseModel):
    model_config = ConfigDict(frozen=True)
    exercise: str
    name: str
    slot: str
    dosage: Dosage
    reasons: tuple[str, ...]
    sources: tuple[str, ...]


class LeftOut(BaseModel):
    model_config = ConfigDict(frozen=True)
    exercise: str
    name: str
    rule: str
    reason: str
    sources: tuple[str, ...]


class Programme(BaseModel):
    model_config = ConfigDict(frozen=True)
    items: tuple[Choice, ...]
    left_out: tuple[LeftOut, ...]
    sessions_per_week: int
    weeks: int
    stage_weeks: int
    max_level: int
    facts: dict[str, Any]
    content_version: str


LIKES = (
    "walking",
    "cycling",
    "swimming",
    "water_exercise",
    "running",
    "yoga",
    "gym",
    "dancing",
    "gardening",
    "team_sport",
)
FACT_NAMES = frozenset(
    {
        "region",
        "irritability",
        "older_adult",
        "balance_concern",
        "chair_based",
        "playing_through_pain",
        "leg_symptoms",
        "age",
        "sitting_hours",
        "sport",
        "minutes_per_day",
        *(f"likes_{x}" for x in LIKES),
        *(
            f"has_{x}"
            for x in ("mat", "chair", "step", "wall", "dumbbells", "band", "exercise_bike", "pool")
        ),
    }
)
HAS = ("mat", "chair", "step", "wall", "dumbbells", "band", "exercise_bike", "pool")
# Equipment a person is assumed to find at home (a bed or carpet does for a mat).
EVERYWHERE = frozenset({"mat", "wall", "chair"})


def programme_facts(inputs: ProgrammeInputs) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "region": inputs.region,
        "irritability": inputs.irritability,
        "older_adult": (inputs.age or 0) >= 65,
        "balance_concern": inputs.balance_concern,
        "chair_based": inputs.chair_based,
        "playing_through_pain": inputs.playing_through_pain,
        "leg_symptoms": inputs.leg_symptoms,
    }
    if inputs.age is not None:
        facts["age"] = inputs.age
    if inputs.sitting_hours is not None:
        facts["sitting_hours"] = inputs.sitting_hours
    if inputs.sport:
        facts["sport"] = inputs.sport
    if inputs.minutes_per_day is not None:
        facts["minutes_per_day"] = inputs.minutes_per_day
    for like in LIKES:
        facts[f"likes_{like}"] = like in inputs.activities_liked
    for thing in HAS:
        facts[f"has_{thing}"] = thing in inputs.equipment
    return facts


def _families(library: Mapping[str, Exercise]) -> dict[str, str]:
    """Exercise id -> the id naming its progression family (connected by links)."""
    parent = {k: k for k in library}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ex in library.values():
        for other in (*ex.progresses_to, *ex.regresses_to):
            if other in library:
                a, b = find(ex.id), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {k: find(k) for k in library}


def build_programme(
    inputs: ProgrammeInputs,
    library: Mapping[str, Exercise],
    rules: ProgrammeRules,
    content_version: str,
    *,
    max_exercises: int | None = None,
) -> Programme:
    facts = programme_facts(inputs)
    flags: frozenset[str] = frozenset()
    region = inputs.region
    in_region = {
        k: e for k, e in library.items() if region == "both" or e.region.value in (region, "both")
    }
    max_level = next(
        s.max_level for s in rules.starting_level if s.when is None or s.when.holds(facts, flags)
    )
    active_out = [r for r in rules.leave_out if r.when.holds(facts, flags)]
    active_favour = [r for r in rules.favour if r.when.holds(facts, flags)]
    excluded: dict[str, LeaveOut] = {}
    for ex in in_region.values():
        for rule in active_out:
            if set(ex.cautions) & set(rule.cautions) or ex.position in rule.positions:
                excluded.setdefault(ex.id, rule)
                break
        else:
            missing = {e.value for e in ex.equipment} - EVERYWHERE - set(inputs.equipment)
            if missing:
                needed = ", ".join(sorted(m.replace("_", " ") for m in missing))
                excluded[ex.id] = LeaveOut(
                    id="equipment",
                    when={"item": "region", "answered": True},
                    reason=f"It needs {needed}, which you do not have at hand.",
                    sources=("nice_ng59",),
                )
    favoured: dict[str, list[Favour]] = {}
    for rule in active_favour:
        for ex_id in rule.ids:
            favoured.setdefault(ex_id, []).append(rule)
    families = _families(library)
    count = max_exercises or _count(rules.session, inputs.minutes_per_day)
    count = max(rules.session.min_exercises, min(rules.session.max_exercises, count))

    def rank(ex: Exercise) -> tuple:
        # Favoured first, then the level nearest the starting level, then a stable order.
        return (-len(favoured.get(ex.id, [])), max_level - ex.level, ex.id)

    candidates = sorted(
        (e for e in in_region.values() if e.id not in excluded and e.level <= max_level),
        key=rank,
    )
    chosen: list[Choice] = []
    used_families: set[str] = set()
    older = facts["older_adult"]
    for slot in rules.slots:
        if len(chosen) >= count:
            break
        pick = next(
            (e for e in candidates if e.kind in slot.kinds and families[e.id] not in used_families),
            None,
        )
        if pick is None:
            continue
        used_families.add(families[pick.id])
        reasons = [r.reason for r in favoured.get(pick.id, [])]
        reasons.append(_slot_reason(slot.name, pick, max_level))
        sources = [*pick.sources]
        for r in favoured.get(pick.id, []):
            sources.extend(s for s in r.sources if s not in sources)
        dose = pick.older_adult_dosage if older and pick.older_adult_dosage else pick.dosage
        chosen.append(
            Choice(
                exercise=pick.id,
                name=pick.name,
                slot=slot.name,
                dosage=dose,
                reasons=tuple(reasons),
                sources=tuple(dict.fromkeys(sources)),
            )
        )
    # Left out and worth saying: exercises a rule favoured for this person, but another
    # rule (or missing equipment) took away.
    left = [
        LeftOut(
            exercise=ex_id,
            name=library[ex_id].name,
            rule=rule.id,
            reason=rule.reason,
            sources=rule.sources,
        )
        for ex_id, rule in sorted(excluded.items())
        if ex_id in favoured
    ]
    if facts.get("likes_running") and any(r.id == "impact_irritable_hip" for r in active_out):
        rule = next(r for r in active_out if r.id == "impact_irritable_hip")
        left.append(
            LeftOut(
                exercise="running",
                name="Running",
                rule=rule.id,
                reason=rule.reason,
                sources=rule.sources,
            )
        )
    days = max((c.dosage.days_per_week for c in chosen), default=3)
    return Programme(
        items=tuple(chosen),
        left_out=tuple(left),
        sessions_per_week=days,
        weeks=rules.session.weeks,
        stage_weeks=rules.session.stage_weeks,
        max_level=max_level,
        facts=facts,
        content_version=content_version,
    )


def _count(session: SessionRules, minutes: int | None) -> int:
    if minutes is None:
        return session.min_exercises + 1
    for limit, n in session.by_minutes:
        if minutes <= limit:
            return n
    return session.max_exercises


def _slot_reason(slot: str, ex: Exercise, max_level: int) -> str:
    words = {
        "aerobic": "to keep you active",
        "strength": "to build strength",
        "mobility": "to keep you moving easily",
        "balance": "to build balance and control",
    }[slot]
    return (
        f"{ex.name} is in your plan {words}, starting at a level that suits you now "
        f"(level {ex.level} of 4)."
    )


class ProtocolItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: str
    reason: str


class Protocol(BaseModel):
    """A ready-made programme a clinician can assign in one step."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    summary: str
    region: Literal["back", "hip", "both"]
    items: tuple[ProtocolItem, ...] = Field(min_length=2, max_length=6)
    sources: tuple[str, ...] = Field(min_length=1)
    implementation_choice: str | None = None
    unverified: str | None = None
