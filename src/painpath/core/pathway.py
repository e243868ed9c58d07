"""assess(): from check-in answers (and any instrument scores) to an explained result.

Pure: no I/O, no clock. Everything the result says is a Statement with reasons and
sources, chosen by rules in content/guidance/pathway.yaml. The result records the
content version that produced it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from painpath.core.conditions import Condition, parse_condition
from painpath.core.instruments import Instrument, Score
from painpath.core.questionnaire import Questionnaire
from painpath.core.screening import RedFlagRules, Screening, screen
from painpath.core.statements import Audience, Statement, Tier

# Facts painpath works out from the answers; guidance rules may test them like items.
# Each maps to its allowed values (a set of codes) or its numeric range.
DERIVED_FACTS: dict[str, frozenset[str] | tuple[float, float]] = {
    "sbst_risk": frozenset({"low", "medium", "high"}),
    "proxy_group": frozenset({"lower", "moderate", "higher"}),
    "highest_tier": frozenset(t.value for t in Tier),
    "irritability": frozenset({"low", "moderate", "high"}),
    "activities_mean": (0.0, 10.0),
}


def _parse(raw: Any, info: Any) -> Condition | None:
    if raw is None or not isinstance(raw, Mapping):
        return raw
    return parse_condition(raw, f"{info.data.get('id', info.data.get('level', '?'))}.when")


class GuidanceStatement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Condition | None = None
    audience: Audience = Audience.everyone
    text: str
    reasons: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    clinician_note: str | None = None
    unverified: str | None = None
    implementation_choice: str | None = None

    _check = field_validator("when", mode="before")(_parse)


class GuidanceSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    pick: Literal["first", "all"]
    statements: tuple[GuidanceStatement, ...] = Field(min_length=1)


class ProxyFeature(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    id: str
    text: str
    psychosocial: bool
    when: Condition

    _check = field_validator("when", mode="before")(_parse)


class Proxy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    high_psychosocial_from: int
    moderate_total_from: int
    features: tuple[ProxyFeature, ...] = Field(min_length=1)


class IrritabilityLevel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    level: Literal["low", "moderate", "high"]
    when: Condition | None = None

    _check = field_validator("when", mode="before")(_parse)


class AsymptomaticFindings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sources: tuple[str, ...] = Field(min_length=1)
    ages: tuple[int, ...]
    findings: dict[str, tuple[int | None, ...]]


class TenMriStudy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sources: tuple[str, ...] = Field(min_length=1)
    text: str
    reasons: tuple[str, ...] = Field(min_length=1)


class Guidance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    stratification: GuidanceSection
    care_level: GuidanceSection
    imaging: GuidanceSection
    category: GuidanceSection
    medicines: GuidanceSection
    beliefs: GuidanceSection
    asymptomatic_findings: AsymptomaticFindings
    ten_mri_study: TenMriStudy
    proxy: Proxy
    irritability: tuple[IrritabilityLevel, ...] = Field(min_length=1)

    def sections(self) -> dict[str, GuidanceSection]:
        return {
            "stratification": self.stratification,
            "care_level": self.care_level,
            "imaging": self.imaging,
            "category": self.category,
            "medicines": self.medicines,
            "beliefs": self.beliefs,
        }


# --- result ---------------------------------------------------------------------------------


class Stratification(BaseModel):
    model_config = ConfigDict(frozen=True)
    method: Literal["sbst", "proxy"]
    group: str
    validated: bool
    label: str
    features: tuple[str, ...] = ()  # proxy only: which features counted


class ScoredInstrument(BaseModel):
    model_config = ConfigDict(frozen=True)
    instrument: str
    name: str
    value: float | None
    status: str
    band: str | None
    subscales: dict[str, float | None]
    statements: tuple[Statement, ...]


class ProgrammeInputs(BaseModel):
    """What the programme engine needs, ready for it (issue: exercise programmes)."""

    model_config = ConfigDict(frozen=True)
    region: str
    age: int | None
    irritability: str
    leg_symptoms: bool
    balance_concern: bool
    chair_based: bool
    sitting_hours: int | None
    sport: str | None
    playing_through_pain: bool
    activities_liked: tuple[str, ...]
    equipment: tuple[str, ...]
    minutes_per_day: int | None


class AssessmentResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    assessed_on: date
    content_version: str
    region: str | None
    screening: Screening
    stratification: Stratification | None
    pain: dict[str, int]
    activities: tuple[dict[str, Any], ...]
    activities_mean: float | None
    sections: dict[str, tuple[Statement, ...]]
    scores: tuple[ScoredInstrument, ...]
    programme_inputs: ProgrammeInputs | None

    def statements(self, audience: Audience) -> list[Statement]:
        out = [s for s in self.screening.statements if s.for_audience(audience)]
        for section in self.sections.values():
            out.extend(s for s in section if s.for_audience(audience))
        return out


def assess(
    answers: Mapping[str, Any],
    instrument_scores: Mapping[str, Score],
    today: date,
    *,
    checkin: Questionnaire,
    redflags: RedFlagRules,
    guidance: Guidance,
    instruments: Mapping[str, Instrument],
    content_version: str,
) -> AssessmentResult:
    screening = screen(answers, redflags, checkin.items)
    facts = derive_facts(answers, instrument_scores, screening, guidance)
    sections: dict[str, tuple[Statement, ...]] = {}
    for name, section in guidance.sections().items():
        sections[name] = tuple(_section(name, section, facts, screening.fired))
    if screening.stop:
        # A check-in that stopped on a red flag says what to do about the flag and which
        # scan it calls for; nothing else (no stratification, kind of pain or medicines
        # judged from half the answers).
        stratification = None
        sections = {"imaging": sections["imaging"]}
    else:
        stratification = _stratification(facts, instrument_scores, guidance)
        if answers.get("region") in ("back", "both"):
            sections["imaging"] = (*sections["imaging"], *_scan_context(facts, guidance))
    scores = tuple(
        _scored(instruments[key], score) for key, score in sorted(instrument_scores.items())
    )
    activities = tuple(answers.get("activities") or ())
    pain = {k: answers[f"pain_{k}"] for k in ("now", "average", "worst") if f"pain_{k}" in answers}
    return AssessmentResult(
        assessed_on=today,
        content_version=content_version,
        region=answers.get("region"),
        screening=screening,
        stratification=stratification,
        pain=pain,
        activities=activities,
        activities_mean=facts.get("activities_mean"),
        sections=sections,
        scores=scores,
        programme_inputs=None if screening.stop else _programme_inputs(answers, facts),
    )


def derive_facts(
    answers: Mapping[str, Any],
    instrument_scores: Mapping[str, Score],
    screening: Screening,
    guidance: Guidance,
) -> dict[str, Any]:
    facts = dict(answers)
    activities = answers.get("activities") or []
    if activities:
        facts["activities_mean"] = sum(a["score"] for a in activities) / len(activities)
    if screening.highest_tier is not None:
        facts["highest_tier"] = screening.highest_tier.value
    sbst = instrument_scores.get("sbst")
    if sbst is not None and sbst.category and answers.get("region") in ("back", "both"):
        facts["sbst_risk"] = sbst.category
    else:
        facts["proxy_group"], _ = proxy_group(facts, guidance.proxy)
    for level in guidance.irritability:
        if level.when is None or level.when.holds(facts, frozenset()):
            facts["irritability"] = level.level
            break
    return facts


def proxy_group(facts: Mapping[str, Any], proxy: Proxy) -> tuple[str, list[ProxyFeature]]:
    present = [f for f in proxy.features if f.when.holds(facts, frozenset())]
    psych = sum(1 for f in present if f.psychosocial)
    if psych >= proxy.high_psychosocial_from:
        return "higher", present
    if len(present) >= proxy.moderate_total_from:
        return "moderate", present
    return "lower", present


def _stratification(
    facts: Mapping[str, Any], scores: Mapping[str, Score], guidance: Guidance
) -> Stratification | None:
    if "sbst_risk" in facts:
        risk = facts["sbst_risk"]
        return Stratification(
            method="sbst", group=risk, validated=True, label=f"STarT Back: {risk} risk"
        )
    group, present = proxy_group(facts, guidance.proxy)
    return Stratification(
        method="proxy",
        group=group,
        validated=False,
        label=f"painpath estimate (not a validated tool): {group} support needs",
        features=tuple(f.text for f in present),
    )


def _section(
    kind: str, section: GuidanceSection, facts: Mapping[str, Any], flags: frozenset[str]
) -> list[Statement]:
    out: list[Statement] = []
    for rule in section.statements:
        if rule.when is not None and not rule.when.holds(facts, flags):
            continue
        out.append(
            Statement(
                kind=kind,
                text=rule.text,
                reasons=rule.reasons,
                sources=rule.sources,
                audience=rule.audience,
                rule=rule.id,
                unverified=rule.unverified,
                implementation_choice=rule.implementation_choice,
            )
        )
        if rule.clinician_note:
            out.append(
                Statement(
                    kind=kind,
                    text=rule.clinician_note,
                    reasons=rule.reasons,
                    sources=rule.sources,
                    audience=Audience.clinician,
                    rule=rule.id,
                )
            )
        if section.pick == "first":
            break
    return out


def _scan_context(facts: Mapping[str, Any], guidance: Guidance) -> list[Statement]:
    """Why a scan may mislead: findings in people without pain at this age, verified
    cells only, and the ten-MRI study."""
    out: list[Statement] = []
    table = guidance.asymptomatic_findings
    age = facts.get("age")
    if isinstance(age, int) and age >= 18:
        columns = sorted(
            (
                i
                for i in range(len(table.ages))
                if any(v[i] is not None for v in table.findings.values())
            ),
            key=lambda i: (abs(table.ages[i] - age), -table.ages[i]),
        )
        col = columns[0]
        cells = [(name, v[col]) for name, v in table.findings.items() if v[col] is not None]
        listed = "; ".join(f"{name}: {pct} in 100" for name, pct in cells)
        out.append(
            Statement(
                kind="imaging",
                text=(
                    f"Scan changes are common in people with no back pain at all. Among "
                    f"{table.ages[col]}-year-olds without back pain, scans show – {listed}."
                ),
                reasons=(
                    "A review of 33 studies of 3,110 people without back pain modelled how "
                    "often each finding appears by age.",
                    "Only figures checked against the published paper are shown.",
                ),
                sources=table.sources,
                rule="asymptomatic_findings",
            )
        )
    study = guidance.ten_mri_study
    out.append(
        Statement(
            kind="imaging",
            text=study.text,
            reasons=study.reasons,
            sources=study.sources,
            rule="ten_mri_study",
        )
    )
    return out


def _scored(instrument: Instrument, score: Score) -> ScoredInstrument:
    reading = instrument.interpret(score)
    return ScoredInstrument(
        instrument=instrument.id,
        name=instrument.meta.short_name,
        value=score.value,
        status=score.status,
        band=reading.band,
        subscales=dict(score.subscales),
        statements=reading.statements,
    )


def _programme_inputs(answers: Mapping[str, Any], facts: Mapping[str, Any]) -> ProgrammeInputs:
    falls = bool(answers.get("falls_or_unsteady"))
    return ProgrammeInputs(
        region=answers.get("region", "back"),
        age=answers.get("age"),
        irritability=facts.get("irritability", "moderate"),
        leg_symptoms=answers.get("leg_pain") in ("one_leg", "both_legs")
        or answers.get("leg_numbness") not in (None, "none"),
        balance_concern=falls,
        chair_based=answers.get("can_exercise_standing") is False,
        sitting_hours=answers.get("sitting_hours"),
        sport=answers.get("sport_name")
        or (answers.get("sport") if answers.get("sport") not in (None, "none") else None),
        playing_through_pain=bool(answers.get("playing_through_pain")),
        activities_liked=tuple(answers.get("activities_liked") or ()),
        equipment=tuple(answers.get("equipment") or ()),
        minutes_per_day=answers.get("minutes_per_day"),
    )
