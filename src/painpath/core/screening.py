"""Red-flag screening: answers -> every fired rule, the highest tier, reasons, sources.

Rules are data (content/redflags.yaml). Screening never clears anyone: with nothing
fired, the result still says what to watch for and that the questions will be asked
again."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from painpath.core.conditions import (
    Condition,
    comparisons,
    parse_condition,
    satisfied_comparisons,
)
from painpath.core.questionnaire import Item, ItemType, Questionnaire, enabled_items
from painpath.core.statements import Statement, Tier


class RuleExamples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    fires: tuple[dict[str, Any], ...] = Field(min_length=1)
    does_not_fire: tuple[dict[str, Any], ...] = Field(min_length=1)


class RedFlagRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    condition: str = Field(description="the condition this rule screens for")
    region: Literal["back", "hip", "any"]
    tier: Tier
    when: Condition
    title: str
    action: str
    timeframe: str
    clinician_action: str
    reasons: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    unverified: str | None = None
    implementation_choice: str | None = None
    examples: RuleExamples

    @field_validator("when", mode="before")
    @classmethod
    def _parse(cls, raw: Any, info: Any) -> Condition:
        if isinstance(raw, Mapping):
            return parse_condition(raw, f"{info.data.get('id', '?')}.when")
        return raw


class TierInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rank: int
    label: str
    timeframe: str
    stops_checkin: bool


class NoFlagAdvice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    watch_for: str
    sources: tuple[str, ...] = Field(min_length=1)


class RecheckSign(BaseModel):
    """A warning sign asked between check-ins (the next-morning check), in the person's
    words, and the check-in answers it stands for, so the same rules judge it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    answers: dict[str, Any]
    # Asked only when the last check-in's answers meet this (e.g. "your pain has
    # changed" for people in whom changed pain is itself a warning sign).
    ask_when: Condition | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @field_validator("ask_when", mode="before")
    @classmethod
    def _parse(cls, raw: Any, info: Any) -> Condition | None:
        if isinstance(raw, Mapping):
            return parse_condition(raw, f"recheck.signs.{info.data.get('id', '?')}.ask_when")
        return raw

    def asked(self, context: Mapping[str, Any]) -> bool:
        return self.ask_when is None or self.ask_when.holds(context, frozenset())


class PainRise(BaseModel):
    """A morning pain this far above the programme's baseline counts as a sign (for
    those who are asked it), so a rise is judged even if the box is left unticked."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sign: str
    points: int = Field(ge=1, le=10)
    implementation_choice: str


class RecheckFallback(BaseModel):
    """What a ticked sign raises when no rule fires for it (e.g. 'something else')."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    tier: Tier
    title: str
    action: str
    timeframe: str
    clinician_action: str
    reasons: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)

    def as_flag(self, answers: tuple[str, ...] = ()) -> FiredFlag:
        return FiredFlag(
            rule="recheck_fallback",
            condition="A new warning sign between check-ins",
            tier=self.tier,
            title=self.title,
            action=self.action,
            timeframe=self.timeframe,
            clinician_action=self.clinician_action,
            reasons=self.reasons,
            answers=answers,
            sources=self.sources,
        )


class Recheck(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    question: str
    # Steps whose answers at the last check-in still hold (age, sex, region, health
    # history); the safety questions themselves are asked afresh by the signs.
    context_steps: tuple[str, ...] = Field(min_length=1)
    signs: tuple[RecheckSign, ...] = Field(min_length=1)
    pain_rise: PainRise | None = None
    fallback: RecheckFallback

    def signs_for(self, context: Mapping[str, Any]) -> tuple[RecheckSign, ...]:
        """The signs to ask this person, given their last check-in."""
        return tuple(sign for sign in self.signs if sign.asked(context))

    def implied_signs(
        self, context: Mapping[str, Any], morning_pain: int | None, baseline: int | None
    ) -> tuple[str, ...]:
        """Signs a morning answer implies without a tick (a marked rise in pain)."""
        rise = self.pain_rise
        if rise is None or morning_pain is None or baseline is None:
            return ()
        sign = next((s for s in self.signs if s.id == rise.sign), None)
        if sign is None or not sign.asked(context) or morning_pain < baseline + rise.points:
            return ()
        return (sign.id,)


class RedFlagRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    tiers: dict[Tier, TierInfo]
    no_flag: NoFlagAdvice
    recheck: Recheck
    rules: tuple[RedFlagRule, ...]


class FiredFlag(BaseModel):
    model_config = ConfigDict(frozen=True)
    rule: str
    condition: str
    tier: Tier
    title: str
    action: str
    timeframe: str
    clinician_action: str | None  # None where the reader is the patient
    reasons: tuple[str, ...]
    answers: tuple[str, ...]  # the answers that made the rule fire, in words
    sources: tuple[str, ...]
    unverified: str | None = None
    implementation_choice: str | None = None


class Screening(BaseModel):
    model_config = ConfigDict(frozen=True)
    flags: tuple[FiredFlag, ...]
    highest_tier: Tier | None
    stop: bool  # the check-in stops here and the person is routed to a human
    statements: tuple[Statement, ...]

    @property
    def fired(self) -> frozenset[str]:
        return frozenset(f.rule for f in self.flags)


def stops_now(screening: Screening, q: Questionnaire, answered_step: str | None) -> bool:
    """Whether the check-in stops after `answered_step` (None: all answers are in).

    EMERGENCY stops at once. URGENT and SOON stop once the safety steps are answered,
    so no emergency question is left unasked behind a lesser flag."""
    if not screening.stop:
        return False
    if screening.highest_tier is Tier.emergency or answered_step is None:
        return True
    order = [step.id for step in q.steps]
    last_safety = order.index(q.safety_steps[-1]) if q.safety_steps else 0
    return order.index(answered_step) >= last_safety


def emergency_settled(
    answers: Mapping[str, Any], rules: RedFlagRules, pending: Sequence[Item]
) -> bool:
    """Whether an EMERGENCY rule fires now *whatever* the pending follow-up questions
    are answered. A rule that fires only because a follow-up is still unanswered (a
    known aneurysm, before "is this pain new?") is not settled: the follow-up is asked
    first. One that fires either way (a child's fever, before "what temperature?")
    stops the check-in at once."""
    pending_ids = {item.id: item for item in pending}
    for rule in rules.rules:
        if rule.tier is not Tier.emergency or not rule.when.holds(answers, frozenset()):
            continue
        asked = list(dict.fromkeys(c.item for c in comparisons(rule.when) if c.item in pending_ids))
        spans = [_possible_answers(pending_ids[item_id]) for item_id in asked]
        if all(
            rule.when.holds({**answers, **dict(zip(asked, values, strict=True))}, frozenset())
            for values in itertools.product(*spans)
        ):
            return True
    return False


def unfinished_flags(
    answers: Mapping[str, Any], rules: RedFlagRules, q: Questionnaire, at_step: str | None
) -> tuple[FiredFlag, ...]:
    """What a check-in left part-way raises, most urgent first: every flag that routes to
    a human on the answers given, and every emergency that the follow-up questions it
    was left on could still make (left before "is this pain new?" with a known
    aneurysm, say). Only what the person said is given as the flag's answers."""
    items = q.items
    fired = {
        f.rule: f for f in screen(answers, rules, items).flags if rules.tiers[f.tier].stops_checkin
    }
    step = q.step(at_step) if at_step else None
    if step is not None and any(i.id in answers for i in step.items):
        pending = [
            i for i in enabled_items(q, step, answers, clinician=True) if i.id not in answers
        ]
        spans = [_possible_answers(i) for i in pending]
        for rule in rules.rules:
            if rule.tier is not Tier.emergency or rule.id in fired or not pending:
                continue
            if any(
                rule.when.holds(
                    {**answers, **dict(zip([i.id for i in pending], values, strict=True))},
                    frozenset(),
                )
                for values in itertools.product(*spans)
            ):
                fired[rule.id] = _fired(rule, answers, items)
    return tuple(sorted(fired.values(), key=lambda f: -f.tier.rank))


def _possible_answers(item: Item) -> tuple[Any, ...]:
    """Answers that span what a rule can test of an item (its options, its ends)."""
    if item.type == ItemType.boolean:
        values: tuple[Any, ...] = (True, False)
    elif item.type == ItemType.choice:
        values = tuple(o.code for o in item.options)
    elif item.type == ItemType.multi_choice:
        values = ((), tuple(o.code for o in item.options))
    elif item.type in (ItemType.integer, ItemType.decimal):
        values = (item.min, item.max)
    else:
        values = ()
    return values if item.required else (*values, None)


def screen(answers: Mapping[str, Any], rules: RedFlagRules, items: Mapping[str, Item]) -> Screening:
    """Run every rule. All fired flags are returned, most urgent first."""
    fired: list[FiredFlag] = []
    no_flags: frozenset[str] = frozenset()
    for rule in rules.rules:
        if rule.when.holds(answers, no_flags):
            fired.append(_fired(rule, answers, items))
    fired.sort(key=lambda f: -f.tier.rank)
    highest = fired[0].tier if fired else None
    stop = bool(highest and rules.tiers[highest].stops_checkin)
    statements: list[Statement] = []
    for flag in fired:
        statements.append(
            Statement(
                kind="red_flag",
                text=f"{flag.title}. {flag.action}",
                reasons=(*flag.reasons, *(f"You said: {a}." for a in flag.answers)),
                sources=flag.sources,
                rule=flag.rule,
                unverified=flag.unverified,
                implementation_choice=flag.implementation_choice,
            )
        )
    if not fired or not stop:
        statements.append(
            Statement(
                kind="safety_net",
                text=f"{rules.no_flag.text} {rules.no_flag.watch_for}",
                reasons=("Serious causes are rare, but symptoms can change over time.",),
                sources=rules.no_flag.sources,
            )
        )
    return Screening(
        flags=tuple(fired), highest_tier=highest, stop=stop, statements=tuple(statements)
    )


def _fired(rule: RedFlagRule, answers: Mapping[str, Any], items: Mapping[str, Item]) -> FiredFlag:
    said: list[str] = []
    for leaf in satisfied_comparisons(rule.when, answers):
        if leaf.item == "region" or answers.get(leaf.item) is None:
            # Where the pain is frames every rule; an unanswered question is not
            # something the person said.
            continue
        words = describe_answer(items.get(leaf.item), leaf.item, answers.get(leaf.item))
        if words not in said:
            said.append(words)
    return FiredFlag(
        rule=rule.id,
        condition=rule.condition,
        tier=rule.tier,
        title=rule.title,
        action=rule.action,
        timeframe=rule.timeframe,
        clinician_action=rule.clinician_action,
        reasons=rule.reasons,
        answers=tuple(said),
        sources=rule.sources,
        unverified=rule.unverified,
        implementation_choice=rule.implementation_choice,
    )


def describe_answer(item: Item | None, item_id: str, value: Any) -> str:
    """An answer in words, e.g. 'new bladder problems: yes', 'age: 72 years'."""
    if item is None:
        return f"{item_id}: {value}"
    if item.type == ItemType.boolean:
        return f"{item.short}: {'yes' if value else 'no'}"
    if item.type == ItemType.choice:
        option = item.option(value)
        return f"{item.short}: {(option.short or option.text) if option else value}"
    if item.type == ItemType.multi_choice:
        names = [(o.short or o.text) for o in item.options if o.code in value]
        return f"{item.short}: {', '.join(names)}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    unit = f" {item.unit}" if item.unit else ""
    return f"{item.short}: {value}{unit}"


def recheck(
    context: Mapping[str, Any],
    signs: Sequence[str],
    rules: RedFlagRules,
    items: Mapping[str, Item],
) -> tuple[FiredFlag, ...]:
    """The flags raised by warning signs reported between check-ins, most urgent first.

    The signs become check-in answers on top of the last check-in's (`context`), and
    the red-flag rules judge them as at a check-in. A flag counts only if a sign's
    answer is among what made it fire (a rule the old answers fire on their own was
    raised, and reviewed, then) and it routes to a human; a sign no such rule covers
    raises the fallback flag naming it, so a ticked sign is never met with nothing."""
    by_id = {sign.id: sign for sign in rules.recheck.signs}
    answers = dict(context)
    for sign in signs:
        answers.update(by_id[sign].answers)
    told = {item for sign in signs for item in by_id[sign].answers}
    fired: list[FiredFlag] = []
    covered: set[str] = set()
    for rule in rules.rules:
        if not rules.tiers[rule.tier].stops_checkin or not rule.when.holds(answers, frozenset()):
            continue
        used = {leaf.item for leaf in satisfied_comparisons(rule.when, answers)} & told
        if used:
            fired.append(_fired(rule, answers, items))
            covered |= used
    fired.sort(key=lambda f: -f.tier.rank)
    uncovered = [s for s in signs if not covered & set(by_id[s].answers)]
    if uncovered:
        fired.append(rules.recheck.fallback.as_flag(tuple(by_id[s].text for s in uncovered)))
    return tuple(fired)
