"""Education articles: Markdown with front matter, footnotes that cite the bibliography,
and a public log of every update. Pure: parsing and checking, no rendering.

An article file looks like this::

    ---
    id: mri-what-it-can-tell-you
    title: What an MRI can and cannot tell you
    summary: One or two plain sentences.
    audience: patient
    topics: [imaging, back]
    reviewer: painpath editorial team
    reviewed: 2026-12-04
    sources: [brinjikji2015, herzog2017]
    updates:
      - {date: 2026-12-04, kind: new article, note: First published.}
    ---
    Text, with a footnote.[^age]

    ## A section
    ...

    [^age]: @brinjikji2015 A side note, if the footnote needs one.

A footnote starts with the bibliography keys it cites (``@key``, one or more), then an
optional side note; a footnote may also be a side note alone. The keys cited must be
exactly the article's ``sources``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Audience(enum.StrEnum):
    patient = "patient"
    clinician = "clinician"


class Topic(enum.StrEnum):
    """What an article is about (closed, so the library can be browsed by topic)."""

    back = "back"
    hip = "hip"
    red_flags = "red-flags"
    imaging = "imaging"
    causes = "causes"
    beliefs = "beliefs"
    pain_science = "pain-science"
    sitting = "sitting"
    hip_flexors = "hip-flexors"
    injury = "injury"
    running = "running"
    walking = "walking"
    swimming = "swimming"
    older_adults = "older-adults"
    osteoarthritis = "osteoarthritis"
    exercise = "exercise"
    medicines = "medicines"
    physiotherapy = "physiotherapy"
    sport = "sport"
    startback = "startback"
    pacing = "pacing"
    nerve_pain = "nerve-pain"


class UpdateKind(enum.StrEnum):
    new_article = "new article"
    science_update = "science update"
    new_section = "new section"
    correction = "correction"
    clarification = "clarification"
    rewrite = "rewrite"
    review = "review"  # re-read against the sources; nothing needed changing


class Update(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    date: date
    kind: UpdateKind
    note: str = Field(min_length=3)


# Parts of the result and programme pages an article can explain; the pages link to it.
EXPLAINS = (
    "red_flags",
    "imaging",
    "classification",
    "stratification",
    "beliefs",
    "medicines",
    "programme",
    "pacing",
    "physiotherapy",
)


# Which part each section of the check-in result belongs to (the result page links each
# section to the article that explains it).
RESULT_SECTIONS = {
    "stratification": "stratification",
    "care_level": "stratification",
    "imaging": "imaging",
    "category": "classification",
    "medicines": "medicines",
    "beliefs": "beliefs",
    "red_flags": "red_flags",
}


def explainers(articles: dict[str, Article], audience: str) -> dict[str, Article]:
    """For each part of a page, the article that explains it to this audience: one
    written for them first, else a patient article (clinicians read those too)."""
    out: dict[str, Article] = {}
    ranked = sorted(articles.values(), key=lambda a: (a.meta.audience.value != audience, a.id))
    for article in ranked:
        if audience == "patient" and article.meta.audience.value != "patient":
            continue
        for part in article.meta.explains:
            out.setdefault(part, article)
    return out


def result_explainers(articles: dict[str, Article], audience: str) -> dict[str, Article]:
    """Check-in result section name -> the article that explains it ("Read more")."""
    by_part = explainers(articles, audience)
    return {name: by_part[part] for name, part in RESULT_SECTIONS.items() if part in by_part}


def reading_order(articles: Iterable[Article]) -> list[Article]:
    """How the library lists articles: start-here ones first, then by title (ignoring
    quotation marks)."""
    return sorted(
        articles, key=lambda a: (not a.meta.featured, a.meta.title.strip('"\u201c').lower())
    )


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=5, max_length=90)
    summary: str = Field(min_length=20, max_length=300)
    audience: Audience
    topics: tuple[Topic, ...] = Field(min_length=1)
    reviewer: str = Field(min_length=3)
    reviewed: date
    sources: tuple[str, ...] = Field(min_length=1)
    updates: tuple[Update, ...] = Field(min_length=1)
    explains: tuple[str, ...] = ()
    related_articles: tuple[str, ...] = ()
    related_exercises: tuple[str, ...] = ()
    # Where the evidence is weak or the advice is painpath's own choice, say so.
    evidence_note: str | None = None
    featured: bool = False  # listed first in the library, under "Start here"

    @field_validator("explains")
    @classmethod
    def _known_explains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(EXPLAINS))
        if unknown:
            raise ValueError(f"explains {unknown}: not a part of a page (one of {EXPLAINS})")
        return value

    @model_validator(mode="after")
    def _log_is_dated_in_order(self) -> FrontMatter:
        dates = [u.date for u in self.updates]
        if dates != sorted(dates):
            raise ValueError("updates must be listed oldest first")
        if self.updates[0].kind != UpdateKind.new_article:
            raise ValueError("the first update must be the 'new article' entry")
        if self.reviewed < dates[0]:
            raise ValueError("reviewed before the article was first published")
        return self


@dataclass(frozen=True)
class Footnote:
    label: str
    keys: tuple[str, ...]  # bibliography keys cited
    note: str  # the side note, may be empty


@dataclass(frozen=True)
class Section:
    """A part of an article under one heading (the first has the article's title), the
    unit the evidence search indexes and links to."""

    anchor: str
    heading: str
    text: str  # Markdown of the section, footnote markers included


@dataclass(frozen=True)
class Article:
    meta: FrontMatter
    body: str  # Markdown without the front matter
    footnotes: tuple[Footnote, ...]
    sections: tuple[Section, ...]

    @property
    def id(self) -> str:
        return self.meta.id

    @cached_property
    def reading_grade(self) -> float:
        return reading_grade(self.plain_text())

    @cached_property
    def words(self) -> int:
        return len(self.plain_text().split())

    def plain_text(self) -> str:
        """What a reader reads in the running text (no footnotes, no markup): the text
        the reading grade is measured on."""
        return plain(_without_footnote_definitions(self.body))


# libyaml's safe loader when present (several times faster); the same safe subset.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$", re.M)
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
CITE = re.compile(r"^@([a-z0-9_]+)\s*")
HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*$", re.M)


PATIENT_MAX_GRADE = 8.0  # Flesch-Kincaid grade, for what patients read


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of plain text (textstat), rounded to one decimal."""
    import textstat  # imported here: only articles and their checks need it

    return round(float(textstat.flesch_kincaid_grade(text)), 1)


class ArticleError(ValueError):
    """An article that cannot be read, with every problem listed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _without_footnote_definitions(body: str) -> str:
    return FOOTNOTE_DEF.sub("", body)


def plain(markdown: str) -> str:
    """Markdown to the words a person reads: markers, links and emphasis removed."""
    text = FOOTNOTE_REF.sub("", markdown)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"^#{1,6}\s+(.+)$", r"\1.", text, flags=re.M)  # a heading reads as a sentence
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.M)
    text = re.sub(r"[*_`>]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_article(source: str, where: str = "article") -> Article:
    match = FRONT.match(source.replace("\r\n", "\n"))
    if not match:
        raise ArticleError([f"{where}: must start with front matter between '---' lines"])
    try:
        data = yaml.load(match.group(1), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise ArticleError([f"{where}: front matter is not valid YAML: {error}"]) from error
    try:
        meta = FrontMatter.model_validate(data)
    except ValueError as error:
        raise ArticleError([f"{where}: {error}"]) from error
    body = match.group(2).strip() + "\n"
    problems: list[str] = []
    footnotes = []
    for label, content in FOOTNOTE_DEF.findall(body):
        keys = []
        rest = content.strip()
        while m := CITE.match(rest):
            keys.append(m.group(1))
            rest = rest[m.end() :]
        if not keys and not rest:
            problems.append(f"{where}: footnote [^{label}] is empty")
        footnotes.append(Footnote(label, tuple(keys), rest.strip()))
    labels = [f.label for f in footnotes]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problems.append(f"{where}: footnote [^{label}] is defined twice")
    used = FOOTNOTE_REF.findall(_without_footnote_definitions(body))
    for label in sorted(set(used) - set(labels)):
        problems.append(f"{where}: footnote [^{label}] is used but never defined")
    for label in sorted(set(labels) - set(used)):
        problems.append(f"{where}: footnote [^{label}] is defined but never used")
    cited = {k for f in footnotes for k in f.keys}
    for key in sorted(cited - set(meta.sources)):
        problems.append(f"{where}: cites @{key} in a footnote but not in its sources")
    for key in sorted(set(meta.sources) - cited):
        problems.append(f"{where}: lists {key} in its sources but no footnote cites it")
    if problems:
        raise ArticleError(problems)
    return Article(meta, body, tuple(footnotes), _sections(meta.title, body))


def _sections(title: str, body: str) -> tuple[Section, ...]:
    text = _without_footnote_definitions(body)
    out = []
    starts = [(m.start(), m.group(2)) for m in HEADING.finditer(text)]
    first_end = starts[0][0] if starts else len(text)
    if text[:first_end].strip():
        out.append(Section("top", title, text[:first_end].strip()))
    for i, (start, heading) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        chunk = text[start:end].split("\n", 1)
        out.append(Section(slug(heading), heading, chunk[1].strip() if len(chunk) > 1 else ""))
    return tuple(out)
