"""A clinic's licensed instrument text, loaded from an R4 FHIR Questionnaire.

painpath ships no third-party item text (clinical-spec §0). A clinic that holds a
licence supplies the text as a FHIR Questionnaire whose item linkIds are painpath's
item ids and whose answer options carry painpath's response codes. This module checks
that mapping one to one and says exactly what does not match."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem
from pydantic import ValidationError

from painpath.core.instruments import InstrumentMeta


class QuestionnaireMismatch(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class LoadedItem:
    id: str
    text: str
    options: dict[int, str]  # response code -> the licensed wording


@dataclass(frozen=True)
class LoadedText:
    instrument: str
    title: str
    copyright: str | None
    items: dict[str, LoadedItem]


def parse_json(raw: bytes | str) -> Any:
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise QuestionnaireMismatch([f"not valid JSON: {exc}"]) from None
    except RecursionError:
        raise QuestionnaireMismatch(["not usable: the JSON is nested too deeply"]) from None


def _leaf_items(items: list[QuestionnaireItem] | None) -> Iterator[QuestionnaireItem]:
    for item in items or []:
        if item.type == "group":
            yield from _leaf_items(item.item)
        elif item.type != "display":
            yield item


def check_questionnaire(data: Any, meta: InstrumentMeta) -> LoadedText:
    """Validate the FHIR structure, then the one-to-one mapping onto `meta`."""
    if not isinstance(data, dict) or data.get("resourceType") != "Questionnaire":
        raise QuestionnaireMismatch(["the file is not a FHIR Questionnaire (resourceType)"])
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireMismatch(
            [
                f"FHIR structure: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                for e in exc.errors()
            ]
        ) from None
    except (KeyError, TypeError, ValueError, RecursionError) as exc:
        # fhir.resources raises these for unknown contained resource types and the like.
        raise QuestionnaireMismatch(
            [f"FHIR structure: not a usable Questionnaire ({exc!r})"]
        ) from None
    problems: list[str] = []
    expected = {item.id: item for item in meta.items}
    seen: dict[str, LoadedItem] = {}
    try:
        leaves = list(_leaf_items(questionnaire.item))
    except RecursionError:
        raise QuestionnaireMismatch(["items are nested too deeply"]) from None
    for item in leaves:
        link = item.linkId
        if link in seen:
            problems.append(f"linkId {link!r} appears more than once")
            continue
        if link not in expected:
            problems.append(
                f"linkId {link!r} is not a {meta.short_name} item (expected {', '.join(expected)})"
            )
            continue
        if not item.text:
            problems.append(f"item {link}: has no text")
        scale = meta.scales[expected[link].scale]
        options: dict[int, str] = {}
        for option in item.answerOption or []:
            code, label = _option_code(option)
            if code is None:
                problems.append(f"item {link}: answer option {label!r} has no numeric code")
                continue
            if code in options:
                problems.append(f"item {link}: answer code {code} appears twice")
            options[code] = label
        if expected[link].scored:
            want, have = set(scale.codes), set(options)
            if want != have:
                missing = sorted(want - have)
                extra = sorted(have - want)
                detail = []
                if missing:
                    detail.append(f"missing code(s) {missing}")
                if extra:
                    detail.append(f"unknown code(s) {extra}")
                problems.append(
                    f"item {link}: answer options do not match painpath's codes "
                    f"{sorted(want)}: {'; '.join(detail)}"
                )
        seen[link] = LoadedItem(id=link, text=item.text or "", options=options)
    for item_id in expected:
        if item_id not in seen:
            problems.append(f"item {item_id} ({expected[item_id].domain}) is missing")
    if problems:
        raise QuestionnaireMismatch(problems)
    return LoadedText(
        instrument=meta.id,
        title=questionnaire.title or meta.name,
        copyright=questionnaire.copyright,
        items={item_id: seen[item_id] for item_id in expected},
    )


def _option_code(option: Any) -> tuple[int | None, str]:
    if option.valueInteger is not None:
        return option.valueInteger, str(option.valueInteger)
    coding = option.valueCoding
    if coding is not None:
        label = coding.display or coding.code or ""
        try:
            return int(coding.code), label
        except (TypeError, ValueError):
            return None, label
    return None, str(option.valueString or "")
