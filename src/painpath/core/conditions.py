"""A small declarative condition language for content rules (never `eval`).

Conditions are written in YAML by clinicians and parsed here into a tree of
plain objects that are evaluated against a person's answers. The forms are:

    {item: age, gte: 50}                 comparison: equals, not_equals, in, gt, gte, lt, lte
    {item: pain_areas, includes: groin_left}        a multi-choice answer contains a code
    {item: pain_areas, includes_any: [groin_left, groin_right]}
    {item: temperature_c, answered: true}           whether an answer was given at all
    {all: [...]}  {any: [...]}  {not: {...}}
    {count: [...], min: 4}  {count: [...], min: 3, max: 3}   how many sub-conditions hold
    {flag: ces_bladder}                  a red-flag rule fired (for guidance rules)

An unanswered item never satisfies a comparison: rules fire on what a person said,
and a missing answer is never read as a reassuring "no".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import dataclass
from typing import Any

Answers = Mapping[str, Any]

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda have, want: have == want,
    "not_equals": lambda have, want: have != want,
    "in": lambda have, want: have in want,
    "gt": lambda have, want: have > want,
    "gte": lambda have, want: have >= want,
    "lt": lambda have, want: have < want,
    "lte": lambda have, want: have <= want,
    "includes": lambda have, want: want in have,
    "includes_any": lambda have, want: any(code in have for code in want),
}
_NUMERIC = frozenset({"gt", "gte", "lt", "lte"})
_LIST_VALUED = frozenset({"in", "includes_any"})
_COMBINATORS = ("all", "any", "not", "count", "flag")


class ConditionError(ValueError):
    """A condition that does not follow the language; `path` says where."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Comparison:
    item: str
    op: str
    value: Any

    def holds(self, answers: Answers, flags: Set[str]) -> bool:
        have = answers.get(self.item)
        if self.op == "answered":
            return (have is not None) == self.value
        if have is None:
            return False
        if self.op in _NUMERIC and (isinstance(have, bool) or not isinstance(have, int | float)):
            return False
        if self.op in ("includes", "includes_any") and not isinstance(have, list | tuple | set):
            return False
        return _COMPARISONS[self.op](have, self.value)


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Answers, flags: Set[str]) -> bool:
        return all(part.holds(answers, flags) for part in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Answers, flags: Set[str]) -> bool:
        return any(part.holds(answers, flags) for part in self.parts)


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition

    def holds(self, answers: Answers, flags: Set[str]) -> bool:
        return not self.part.holds(answers, flags)


@dataclass(frozen=True, slots=True)
class Count:
    parts: tuple[Condition, ...]
    minimum: int
    maximum: int | None

    def holds(self, answers: Answers, flags: Set[str]) -> bool:
        n = sum(1 for part in self.parts if part.holds(answers, flags))
        return n >= self.minimum and (self.maximum is None or n <= self.maximum)


@dataclass(frozen=True, slots=True)
class FlagFired:
    flag: str

    def holds(self, answers: Answers, flags: Set[str]) -> bool:
        return self.flag in flags


Condition = Comparison | AllOf | AnyOf | Not | Count | FlagFired


def parse_condition(raw: Any, path: str = "when") -> Condition:
    """Parse YAML data into a condition, or raise ConditionError naming the bad part."""
    if not isinstance(raw, Mapping):
        raise ConditionError(path, f"a condition must be a mapping, got {type(raw).__name__}")
    keys = set(raw)
    if "item" in keys:
        return _parse_comparison(raw, path)
    combinator = [k for k in _COMBINATORS if k in keys]
    if len(combinator) != 1:
        raise ConditionError(
            path, f"expected exactly one of item/{'/'.join(_COMBINATORS)}, got {sorted(keys)}"
        )
    kind = combinator[0]
    if kind == "flag":
        _only(raw, {"flag"}, path)
        if not isinstance(raw["flag"], str):
            raise ConditionError(path, "flag must name a red-flag rule id")
        return FlagFired(raw["flag"])
    if kind == "not":
        _only(raw, {"not"}, path)
        return Not(parse_condition(raw["not"], f"{path}.not"))
    if kind == "count":
        _only(raw, {"count", "min", "max"}, path)
        parts = _parse_list(raw["count"], f"{path}.count")
        minimum, maximum = raw.get("min"), raw.get("max")
        if not isinstance(minimum, int) or minimum < 0:
            raise ConditionError(path, "count needs min: a whole number ≥ 0")
        if maximum is not None and (not isinstance(maximum, int) or maximum < minimum):
            raise ConditionError(path, "count max must be a whole number ≥ min")
        if minimum > len(parts):
            raise ConditionError(
                path, f"min {minimum} can never be reached with {len(parts)} parts"
            )
        return Count(parts, minimum, maximum)
    _only(raw, {kind}, path)
    parts = _parse_list(raw[kind], f"{path}.{kind}")
    return AllOf(parts) if kind == "all" else AnyOf(parts)


def _parse_comparison(raw: Mapping[str, Any], path: str) -> Comparison:
    item = raw["item"]
    if not isinstance(item, str) or not item:
        raise ConditionError(path, "item must be an item id")
    ops = [k for k in raw if k != "item"]
    if len(ops) != 1 or (ops[0] not in _COMPARISONS and ops[0] != "answered"):
        allowed = ", ".join([*_COMPARISONS, "answered"])
        raise ConditionError(path, f"give exactly one comparison for {item!r} ({allowed})")
    op = ops[0]
    value = raw[op]
    if op in _LIST_VALUED:
        if not isinstance(value, list) or not value:
            raise ConditionError(path, f"{op} needs a non-empty list")
        value = tuple(value)
    elif op in _NUMERIC and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConditionError(path, f"{op} needs a number, got {value!r}")
    elif op == "answered" and not isinstance(value, bool):
        raise ConditionError(path, "answered must be true or false")
    return Comparison(item, op, value)


def _parse_list(raw: Any, path: str) -> tuple[Condition, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConditionError(path, "expected a non-empty list of conditions")
    return tuple(parse_condition(part, f"{path}[{i}]") for i, part in enumerate(raw))


def _only(raw: Mapping[str, Any], allowed: set[str], path: str) -> None:
    extra = set(raw) - allowed
    if extra:
        raise ConditionError(path, f"unexpected keys {sorted(extra)}")


def walk(condition: Condition) -> Iterator[Condition]:
    """Every node of a condition tree, depth first."""
    yield condition
    if isinstance(condition, AllOf | AnyOf | Count):
        for part in condition.parts:
            yield from walk(part)
    elif isinstance(condition, Not):
        yield from walk(condition.part)


def comparisons(condition: Condition) -> Iterator[Comparison]:
    return (node for node in walk(condition) if isinstance(node, Comparison))


def satisfied_comparisons(condition: Condition, answers: Answers) -> list[Comparison]:
    """The positive leaves that made a condition hold: the answers to show as reasons.

    Leaves under `not` are left out: "you did not say X" is not a reason anyone reads."""
    found: list[Comparison] = []

    def visit(node: Condition) -> None:
        if isinstance(node, Comparison):
            if node.holds(answers, frozenset()):
                found.append(node)
        elif isinstance(node, AllOf | AnyOf | Count):
            for part in node.parts:
                visit(part)

    visit(condition)
    return found
