"""Loads and validates painpath's clinical content (YAML) into core models.

Content is data reviewed like code: the check-in, red-flag rules, instruments,
guidance and the bibliography. `load_catalog()` validates all of it and fails with
every problem listed; `check_content()` is what `painpath content check` runs in CI.

A clinic may override individual content files (for example an UNVERIFIED conversion
table it has checked) by placing a file at the same relative path in the directory
named by PAINPATH_CONTENT_OVERRIDES. The content version hash covers the overrides,
so a result can always be traced to the exact rules that produced it."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from painpath.core.articles import (
    PATIENT_MAX_GRADE,
    Article,
    ArticleError,
    parse_article,
)
from painpath.core.conditions import Comparison, FlagFired, comparisons, walk
from painpath.core.exercises import Caution, Exercise
from painpath.core.instruments import Instrument, InstrumentMeta, build_instruments
from painpath.core.pathway import DERIVED_FACTS, Guidance
from painpath.core.programs import FACT_NAMES, ProgrammeRules, Protocol
from painpath.core.questionnaire import (
    Item,
    Questionnaire,
    check_comparison_values,
    validate_answers,
)
from painpath.core.screening import RedFlagRules
from painpath.core.tracking import Schedule
from painpath.search.answers import AnswerCardsFile
from painpath.search.language import Intents, Vocabulary

CONTENT_DIR = Path(__file__).parent / "content"
# libyaml's safe loader when present (about 5x faster start-up); the same safe subset.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["article", "guideline", "web", "book", "manual"]
    authors: tuple[str, ...] = ()
    title: str
    container: str
    year: int = Field(ge=1900, le=2100)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str = Field(pattern=r"^https?://")
    verified: bool = True
    note: str | None = None

    def short(self) -> str:
        """'Brinjikji et al. 2015' — or, with no authors, the publisher and year."""
        if self.authors:
            surname = self.authors[0].split()[0]
            return f"{surname}{' et al.' if len(self.authors) > 1 else ''} {self.year}"
        return f"{self.container} {self.year}"

    def citation(self) -> str:
        who = ", ".join(self.authors[:3]) + (" et al." if len(self.authors) > 3 else "")
        where = self.container
        if self.volume:
            where += f" {self.volume}"
            if self.pages:
                where += f":{self.pages}"
        return f"{who + '. ' if who else ''}{self.title}. {where} ({self.year})."


class ContentError(Exception):
    """Content that does not validate. `problems` lists every one, with its file."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} content problem(s):\n" + "\n".join(problems))


@dataclass(frozen=True)
class Catalog:
    version: str
    checkin: Questionnaire
    redflags: RedFlagRules
    guidance: Guidance
    instruments: dict[str, Instrument]
    references: dict[str, Reference]
    files: tuple[str, ...]
    exercises: dict[str, Exercise] = field(default_factory=dict)
    programme_rules: ProgrammeRules | None = None
    protocols: dict[str, Protocol] = field(default_factory=dict)
    caution_words: dict[str, str] = field(default_factory=dict)  # tag -> plain words
    articles: dict[str, Article] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=lambda: Vocabulary(entries=()))
    intents: Intents = field(default_factory=lambda: Intents(intents=()))
    answer_cards: AnswerCardsFile = field(default_factory=lambda: AnswerCardsFile(cards=()))
    schedule: Schedule | None = None  # when to measure again (tracking.yaml)


CONTENT_FILES = ("*.yaml", "*.md")  # rules and data; articles


def _content_files(folder: Path) -> list[Path]:
    return sorted(p for pattern in CONTENT_FILES for p in folder.rglob(pattern))


def _files(content_dir: Path, overrides: Path | None) -> dict[str, Path]:
    found = {p.relative_to(content_dir).as_posix(): p for p in _content_files(content_dir)}
    if overrides is not None:
        for p in _content_files(overrides):
            rel = p.relative_to(overrides).as_posix()
            if rel not in found:
                raise ContentError([f"{p}: override has no matching content file {rel}"])
            found[rel] = p
    return found


def content_version(files: Mapping[str, Path]) -> str:
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode())
        digest.update(b"\0")
        digest.update(files[rel].read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _read(path: Path, problems: list[str]) -> Any:
    if path.suffix == ".md":  # an article: parsed (and checked) by core.articles
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}: not UTF-8 text: {exc}")
            return None
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: not valid YAML: {exc}")
        return None


def _validate(model: type[BaseModel], data: Any, where: str, problems: list[str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.append(f"{where}: {loc}: {err['msg']}")
    except ValueError as exc:  # condition errors raised while parsing
        problems.append(f"{where}: {exc}")
    return None


def _load_folder(
    model: type[Any], folder: str, raw: Mapping[str, Any], problems: list[str], skip: str = ""
) -> dict[str, Any]:
    """A folder of one-object-per-file content (instruments, exercises, protocols); each
    file's name must be its object's id."""
    out: dict[str, Any] = {}
    for rel in sorted(raw):
        if rel.startswith(folder) and rel != skip:
            item = _validate(model, raw[rel], rel, problems)
            if item is not None:
                if Path(rel).stem != item.id:
                    problems.append(f"{rel}: id {item.id!r} must match the file name")
                out[item.id] = item
    return out


def _articles(raw: Mapping[str, Any], problems: list[str]) -> dict[str, Article]:
    out: dict[str, Article] = {}
    for rel in sorted(raw):
        if rel.startswith("articles/") and rel.endswith(".md") and raw[rel] is not None:
            try:
                article = parse_article(raw[rel], rel)
            except ArticleError as error:
                problems.extend(error.problems)
                continue
            if Path(rel).stem != article.id:
                problems.append(f"{rel}: id {article.id!r} must match the file name")
            out[article.id] = article
    return out


def _caution_words(data: Any, problems: list[str]) -> dict[str, str]:
    """Plain words for every caution tag, so a person never reads a bare tag name."""
    if not isinstance(data, Mapping):
        problems.append("cautions.yaml: missing, or not a mapping of tag to plain words")
        return {}
    tags = {c.value for c in Caution}
    for tag in sorted(tags - data.keys()):
        problems.append(f"cautions.yaml: no plain words for the caution {tag!r}")
    for tag in sorted(data.keys() - tags):
        problems.append(f"cautions.yaml: {tag!r} is not a caution exercises can carry")
    for tag, words in data.items():
        if not isinstance(words, str) or not words.strip():
            problems.append(f"cautions.yaml: {tag}: needs plain words")
    return {tag: str(words) for tag, words in data.items() if tag in tags}


def load_catalog(content_dir: Path = CONTENT_DIR, overrides: Path | None = None) -> Catalog:
    problems: list[str] = []
    files = _files(content_dir, overrides)
    raw = {rel: _read(path, problems) for rel, path in files.items()}
    if problems:
        raise ContentError(problems)

    def need(rel: str) -> Any:
        if rel not in raw:
            problems.append(f"{rel}: missing")
        return raw.get(rel)

    refs_raw = need("references.yaml") or {}
    references: dict[str, Reference] = {}
    for key, entry in refs_raw.items():
        ref = _validate(Reference, entry, f"references.yaml: {key}", problems)
        if ref is not None:
            references[key] = ref
    checkin = _validate(
        Questionnaire, need("instruments/checkin.yaml"), "instruments/checkin.yaml", problems
    )
    redflags = _validate(RedFlagRules, need("redflags.yaml"), "redflags.yaml", problems)
    guidance = _validate(Guidance, need("guidance/pathway.yaml"), "guidance/pathway.yaml", problems)
    metas = _load_folder(
        InstrumentMeta, "instruments/", raw, problems, skip="instruments/checkin.yaml"
    )
    exercises = _load_folder(Exercise, "exercises/", raw, problems)
    protocols = _load_folder(Protocol, "protocols/", raw, problems)
    programme_rules = None
    if "programmes.yaml" in raw:
        programme_rules = _validate(
            ProgrammeRules, raw["programmes.yaml"], "programmes.yaml", problems
        )
    caution_words = _caution_words(raw.get("cautions.yaml"), problems)
    articles = _articles(raw, problems)
    vocabulary = _validate(
        Vocabulary, need("search/vocabulary.yaml"), "search/vocabulary.yaml", problems
    )
    intents = _validate(Intents, need("search/intents.yaml"), "search/intents.yaml", problems)
    answer_cards = _validate(
        AnswerCardsFile, need("search/answers.yaml"), "search/answers.yaml", problems
    )
    schedule = _validate(Schedule, need("tracking.yaml"), "tracking.yaml", problems)
    instruments: dict[str, Instrument] = {}
    if not problems:
        try:
            instruments = build_instruments(metas)
        except ValueError as exc:
            problems.append(f"instruments/: {exc}")
    if problems:
        raise ContentError(problems)
    catalog = Catalog(
        version=content_version(files),
        checkin=checkin,
        redflags=redflags,
        guidance=guidance,
        instruments=instruments,
        references=references,
        files=tuple(sorted(files)),
        exercises=exercises,
        programme_rules=programme_rules,
        protocols=protocols,
        caution_words=caution_words,
        articles=articles,
        vocabulary=vocabulary,
        intents=intents,
        answer_cards=answer_cards,
        schedule=schedule,
    )
    problems.extend(cross_check(catalog, raw))
    if problems:
        raise ContentError(problems)
    return catalog


def _source_lists(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every `sources`/`citation`/`*_sources` list in raw YAML, with where it is."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if key in ("sources", "citation") or str(key).endswith("_sources"):
                yield here, value
            else:
                yield from _source_lists(value, here)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _source_lists(value, f"{path}[{i}]")


def cross_check(catalog: Catalog, raw: Mapping[str, Any]) -> list[str]:
    """Checks across files: references resolve, conditions name real items with
    possible values, flags exist, and each red-flag rule's examples behave."""
    problems: list[str] = []
    for rel, data in raw.items():
        if rel == "references.yaml":
            continue
        for where, keys in _source_lists(data):
            for key in keys or ():
                if key not in catalog.references:
                    problems.append(f"{rel}: {where}: unknown reference {key!r}")
    items = catalog.checkin.items
    rule_ids = [r.id for r in catalog.redflags.rules]
    if len(set(rule_ids)) != len(rule_ids):
        problems.append("redflags.yaml: rule ids repeat")
    safety = set(catalog.checkin.safety_steps)
    for rule in catalog.redflags.rules:
        if rule.tier.value == "EMERGENCY":
            late = sorted(
                {leaf.item for leaf in comparisons(rule.when)}
                - {i for i in items if catalog.checkin.item_step(i) in safety}
            )
            if late:
                problems.append(
                    f"redflags.yaml: {rule.id}: an EMERGENCY rule may only use questions from "
                    f"the safety steps {sorted(safety)}; it uses {late}"
                )
        problems.extend(
            _check_condition(
                rule.when, items, set(rule_ids), f"redflags.yaml: {rule.id}", derived=False
            )
        )
        problems.extend(_check_examples(catalog, rule.id))
    problems.extend(_check_recheck(catalog))
    for name, section in catalog.guidance.sections().items():
        for st in section.statements:
            if st.when is not None:
                problems.extend(
                    _check_condition(
                        st.when,
                        items,
                        set(rule_ids),
                        f"guidance/pathway.yaml: {name}.{st.id}",
                        derived=True,
                    )
                )
    for feature in catalog.guidance.proxy.features:
        problems.extend(
            _check_condition(
                feature.when,
                items,
                set(rule_ids),
                f"guidance/pathway.yaml: proxy.{feature.id}",
                derived=True,
            )
        )
    for level in catalog.guidance.irritability:
        if level.when is not None:
            problems.extend(
                _check_condition(
                    level.when,
                    items,
                    set(rule_ids),
                    f"guidance/pathway.yaml: irritability.{level.level}",
                    derived=True,
                )
            )
    problems.extend(_check_reasons(catalog))
    problems.extend(_check_exercise_links(catalog))
    problems.extend(_check_programme_rules(catalog))
    problems.extend(_check_articles(catalog))
    for entry in catalog.vocabulary.entries:
        if entry.article and entry.article not in catalog.articles:
            problems.append(f"search/vocabulary.yaml: {entry.id}: no article {entry.article!r}")
    for measure in catalog.schedule.measures if catalog.schedule else ():
        if measure.instrument not in catalog.instruments:
            problems.append(f"tracking.yaml: no instrument {measure.instrument!r}")
    for card in catalog.answer_cards.cards:
        if card.article not in catalog.articles:
            problems.append(f"search/answers.yaml: {card.id}: no article {card.article!r}")
    problems.extend(_check_safety_queries(catalog, raw.get("search/safety_queries.yaml")))
    table = catalog.guidance.asymptomatic_findings
    for finding, cells in table.findings.items():
        if len(cells) != len(table.ages):
            problems.append(
                f"guidance/pathway.yaml: asymptomatic_findings.{finding}: needs one cell per age"
            )
    return problems


LINK = re.compile(r"\]\(([^)\s]+)\)")


def _link_problem(catalog: Catalog, target: str) -> str | None:
    """Links inside painpath must lead somewhere: another article (by id, or
    /learn/id), an exercise page (/exercises/id), or a web address."""
    if target.startswith(("https://", "http://", "#")):
        return None
    path = target.split("#", 1)[0]
    if path.startswith("/exercises/"):
        ok = path.removeprefix("/exercises/") in catalog.exercises
    else:
        ok = path.removeprefix("/learn/") in catalog.articles
    return None if ok else "leads to no article or exercise"


def _check_articles(catalog: Catalog) -> list[str]:
    """Articles cite real references, link to real articles and exercises, and patient
    articles read at grade 8 or below."""
    problems = []
    for article in catalog.articles.values():
        where = f"articles/{article.id}.md"
        meta = article.meta
        for key in meta.sources:
            if key not in catalog.references:
                problems.append(f"{where}: sources: unknown reference {key!r}")
        for other in meta.related_articles:
            if other not in catalog.articles or other == article.id:
                problems.append(f"{where}: related_articles: no other article {other!r}")
        for ex in meta.related_exercises:
            if ex not in catalog.exercises:
                problems.append(f"{where}: related_exercises: no exercise {ex!r}")
        for target in LINK.findall(article.body):
            problem = _link_problem(catalog, target)
            if problem:
                problems.append(f"{where}: link ({target}): {problem}")
        if meta.audience == "patient":
            grade = article.reading_grade
            if grade > PATIENT_MAX_GRADE:
                problems.append(
                    f"{where}: reads at grade {grade:.1f}; patient articles must be "
                    f"{PATIENT_MAX_GRADE:g} or below (shorter sentences, everyday words)"
                )
    return problems


def _check_programme_rules(catalog: Catalog) -> list[str]:
    rules = catalog.programme_rules
    if rules is None:
        return []
    problems: list[str] = []
    conditions = [(f"leave_out.{r.id}", r.when) for r in rules.leave_out]
    conditions += [(f"favour.{r.id}", r.when) for r in rules.favour]
    conditions += [(f"starting_level[{n}]", s.when) for n, s in enumerate(rules.starting_level)]
    for where, condition in conditions:
        if condition is None:
            continue
        for leaf in comparisons(condition):
            if leaf.item not in FACT_NAMES:
                problems.append(f"programmes.yaml: {where}: unknown programme fact {leaf.item!r}")
    for protocol in catalog.protocols.values():
        for item in protocol.items:
            if item.exercise not in catalog.exercises:
                problems.append(f"protocols/{protocol.id}.yaml: unknown exercise {item.exercise!r}")
    for rule in rules.favour:
        for ex_id in rule.ids:
            if ex_id not in catalog.exercises:
                problems.append(f"programmes.yaml: favour.{rule.id}: unknown exercise {ex_id!r}")
    return problems


def _check_exercise_links(catalog: Catalog) -> list[str]:
    """Progressions and regressions name real exercises, and each link has its mirror:
    if A progresses to B, B regresses to A (so the player can step both ways)."""
    problems: list[str] = []
    library = catalog.exercises
    for ex in library.values():
        if ex.figure is None:
            problems.append(f"exercises/{ex.id}.yaml: has no figure (keyframe poses)")
        for target in (*ex.progresses_to, *ex.regresses_to):
            if target not in library:
                problems.append(f"exercises/{ex.id}.yaml: links to unknown exercise {target!r}")
        for target in ex.progresses_to:
            if target in library and ex.id not in library[target].regresses_to:
                problems.append(
                    f"exercises/{ex.id}.yaml: progresses to {target}, but {target} does not "
                    f"regress to {ex.id}"
                )
        for target in ex.regresses_to:
            if target in library and ex.id not in library[target].progresses_to:
                problems.append(
                    f"exercises/{ex.id}.yaml: regresses to {target}, but {target} does not "
                    f"progress to {ex.id}"
                )
    return problems


def _check_reasons(catalog: Catalog) -> list[str]:
    """Reasons are whole sentences. A reason cut at a comma (YAML flow-list syntax splits
    `[a, b]` into two) would read as nonsense to a patient, so catch it here."""
    problems: list[str] = []
    groups: list[tuple[str, tuple[str, ...]]] = [
        (f"redflags.yaml: {r.id}", r.reasons) for r in catalog.redflags.rules
    ]
    for name, section in catalog.guidance.sections().items():
        groups.extend(
            (f"guidance/pathway.yaml: {name}.{s.id}", s.reasons) for s in section.statements
        )
    groups.append(("guidance/pathway.yaml: ten_mri_study", catalog.guidance.ten_mri_study.reasons))
    for where, reasons in groups:
        for reason in reasons:
            starts_well = reason[:1].isupper() or reason.startswith("painpath")
            if not starts_well or not reason.rstrip().endswith((".", ")")):
                problems.append(f"{where}: reason {reason!r} is not a whole sentence")
    return problems


def _check_condition(
    condition: Any, items: Mapping[str, Item], flags: set[str], where: str, *, derived: bool
) -> list[str]:
    problems: list[str] = []
    for node in walk(condition):
        if isinstance(node, FlagFired) and node.flag not in flags:
            problems.append(f"{where}: unknown red-flag rule {node.flag!r}")
    for leaf in comparisons(condition):
        if leaf.item in items:
            try:
                check_comparison_values(leaf, items[leaf.item], where)
            except ValueError as exc:
                problems.append(str(exc))
        elif derived and leaf.item in DERIVED_FACTS:
            problems.extend(_check_derived(leaf, where))
        else:
            problems.append(f"{where}: condition refers to unknown item {leaf.item!r}")
    return problems


def _check_derived(leaf: Comparison, where: str) -> list[str]:
    allowed = DERIVED_FACTS[leaf.item]
    if leaf.op == "answered":
        return []
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    if isinstance(allowed, frozenset):
        bad = [v for v in values if v not in allowed]
        return [f"{where}: {leaf.item} is never {bad} (values: {sorted(allowed)})"] if bad else []
    bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int | float)]
    return [f"{where}: {leaf.item} is a number; got {bad}"] if bad else []


def _check_examples(catalog: Catalog, rule_id: str) -> list[str]:
    from painpath.core.screening import screen

    rule = next(r for r in catalog.redflags.rules if r.id == rule_id)
    problems: list[str] = []
    for expected, cases in (
        ("fires", rule.examples.fires),
        ("does_not_fire", rule.examples.does_not_fire),
    ):
        for n, case in enumerate(cases, start=1):
            where = f"redflags.yaml: {rule_id}.examples.{expected}[{n}]"
            clean, bad = validate_answers(catalog.checkin, case, complete=False)
            if bad:
                problems.extend(f"{where}: {p}" for p in bad)
                continue
            fired = rule_id in screen(clean, catalog.redflags, catalog.checkin.items).fired
            if fired != (expected == "fires"):
                wanted = "to fire" if expected == "fires" else "not to fire"
                problems.append(f"{where}: expected the rule {wanted}")
    return problems


SAFETY_WORDINGS = 5  # lay wordings each EMERGENCY and URGENT sign needs in the search table


def _check_safety_queries(catalog: Catalog, data: Any) -> list[str]:
    """The search's safety table: every EMERGENCY and URGENT rule has at least five
    different lay wordings (each 2 to 20 words), and names only real rules."""
    where = "search/safety_queries.yaml"
    signs = {r.id for r in catalog.redflags.rules if r.tier.value in ("EMERGENCY", "URGENT")}
    table = (data or {}).get("queries") if isinstance(data, Mapping) else None
    if not isinstance(table, Mapping):
        return [f"{where}: needs `queries:`, rule id -> list of wordings"]
    problems = [
        f"{where}: {rule}: not an EMERGENCY or URGENT rule" for rule in table if rule not in signs
    ]
    for rule in sorted(signs):
        said = table.get(rule) or []
        if not isinstance(said, list) or not all(isinstance(q, str) for q in said):
            problems.append(f"{where}: {rule}: a list of wordings (text) is needed")
            continue
        bad = [q for q in said if not 2 <= len(q.split()) <= 20]
        problems.extend(f"{where}: {rule}: {q!r}: 2 to 20 words" for q in bad)
        if len({q.strip().lower() for q in said}) < SAFETY_WORDINGS:
            problems.append(f"{where}: {rule}: needs {SAFETY_WORDINGS} different wordings")
    return problems


def _check_recheck(catalog: Catalog) -> list[str]:
    """Each between-check-in warning sign stands for valid check-in answers and, in an
    adult with back or with hip pain, raises a flag that routes to a human."""
    from painpath.core.conditions import comparisons
    from painpath.core.screening import recheck

    q = catalog.checkin
    problems: list[str] = []
    for step in catalog.redflags.recheck.context_steps:
        if q.step(step) is None:
            problems.append(f"redflags.yaml: recheck.context_steps: no check-in step {step!r}")
    for sign in catalog.redflags.recheck.signs:
        where = f"redflags.yaml: recheck.signs.{sign.id}"
        # A sign asked only of some people is checked in such a person (each
        # "equals" answer its ask_when names).
        who = {
            c.item: c.value
            for c in (comparisons(sign.ask_when) if sign.ask_when else ())
            if c.op == "equals"
        }
        if sign.ask_when is not None and not sign.asked(who):
            problems.append(f"{where}: ask_when names no person it could be asked of")
            continue
        # "both" is the region every region-specific question applies to.
        _, bad = validate_answers(
            q, {"age": 45, "region": "both", **who, **sign.answers}, complete=False
        )
        if bad:
            problems.extend(f"{where}: {p}" for p in bad)
            continue
        if not sign.answers:
            continue  # "something else": the fallback flag, by design
        raised = [
            flag.rule
            for region in ("back", "hip")
            for flag in recheck(
                {"age": 45, "sex": "female", "region": region, **who},
                [sign.id],
                catalog.redflags,
                q.items,
            )
        ]
        if set(raised) == {"recheck_fallback"}:
            problems.append(f"{where}: no red-flag rule fires for it, in back or hip pain")
    rise = catalog.redflags.recheck.pain_rise
    if rise is not None and rise.sign not in {s.id for s in catalog.redflags.recheck.signs}:
        problems.append(f"redflags.yaml: recheck.pain_rise: no sign {rise.sign!r}")
    return problems


_lock = threading.Lock()
_cached: dict[tuple[Path, Path | None], Catalog] = {}


def get_catalog(overrides: Path | None = None) -> Catalog:
    """The loaded content, validated once per process."""
    key = (CONTENT_DIR, overrides)
    with _lock:
        if key not in _cached:
            _cached[key] = load_catalog(CONTENT_DIR, overrides)
        return _cached[key]


def check_content(overrides: Path | None = None) -> tuple[Catalog | None, list[str]]:
    try:
        return load_catalog(CONTENT_DIR, overrides), []
    except ContentError as exc:
        return None, exc.problems
