"""How the search reads words: the curated lay and clinical vocabulary and the kinds of
question people ask, both loaded from content/search/ and matched purely."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

WORD = re.compile(r"[a-z0-9]+")

# Words that carry no meaning for ranking. Question words are kept out of matching but
# still read by the intent detector.
STOPWORDS = frozenset(
    (  # noqa: SIM905 - one word list reads better than a hundred lines
        "a an and are as at be but by for from has have how i if in into is it its me my of "
        "on or our so that the their there these they this to was we what when where which "
        "who why will with you your do does can could should would about am been being did "
        "doing had he her him his she them those than then too very just also any all not no "
        "get got im ive id dont doesnt cant"
    ).split()
)


def fold(text: str) -> str:
    """Lower case without accents: 'Strümpell' and 'strumpell' read the same."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    # "x-ray" and "x ray" and "xray" should meet: hyphens split words.
    return WORD.findall(fold(text).replace("'", ""))


def is_abbreviation(term: str) -> bool:
    """'AS', 'OA', 'SLE', 'THR': written in capitals in the vocabulary, and matched only
    where the person also wrote them in capitals (so 'as' and 'AS' stay apart)."""
    return term.isupper() and " " not in term and len(term) <= 6


def cased_words(text: str) -> list[str]:
    """The words of `text` as written, except that only capitals stay capitals: the
    form abbreviations are matched in."""
    return [
        w if w.isupper() else w.lower() for w in re.findall(r"[A-Za-z0-9]+", fold_keep_case(text))
    ]


def fold_keep_case(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("'", "")


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS]


class VocabularyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    terms: tuple[str, ...] = Field(min_length=2)
    article: str | None = None

    @field_validator("terms")
    @classmethod
    def _terms_have_words(cls, terms: tuple[str, ...]) -> tuple[str, ...]:
        empty = [t for t in terms if not words(t)]
        if empty:
            raise ValueError(f"terms without a word in them: {empty}")
        return terms


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    entries: tuple[VocabularyEntry, ...]

    @field_validator("entries")
    @classmethod
    def _each_term_once(cls, entries: tuple[VocabularyEntry, ...]) -> tuple[VocabularyEntry, ...]:
        seen: dict[tuple[str, ...], str] = {}
        problems = []
        ids = [e.id for e in entries]
        problems += [
            f"entry id {i!r} repeats" for i in sorted({i for i in ids if ids.count(i) > 1})
        ]
        for entry in entries:
            for term in entry.terms:
                key = tuple(words(term))
                if key in seen and seen[key] != entry.id:
                    problems.append(f"term {term!r} is in both {seen[key]!r} and {entry.id!r}")
                seen[key] = entry.id
        if problems:
            raise ValueError("; ".join(problems))
        return entries


class Intent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str
    asks: tuple[str, ...] = Field(min_length=1)
    answers: tuple[str, ...] = Field(min_length=1)


class Intents(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    intents: tuple[Intent, ...]


@dataclass(frozen=True)
class Expansion:
    """A vocabulary entry a query touched: the words the person used, and the others."""

    entry: VocabularyEntry
    matched: str  # the term as written in the vocabulary
    others: tuple[str, ...]


@dataclass(frozen=True)
class ReadQuery:
    text: str
    words: tuple[str, ...]  # content words, in order
    expansions: tuple[Expansion, ...]
    intents: tuple[Intent, ...]


class Reader:
    """Reads a question: which vocabulary entries and which intents it mentions.
    Longest term first, so "low back pain" wins over "back pain"."""

    def __init__(self, vocabulary: Vocabulary, intents: Intents) -> None:
        self.vocabulary = vocabulary
        self.intents = intents
        # Terms by their first word, longest first: a question is read left to right,
        # taking at each word the longest term that starts there.
        self._by_first: dict[str, list[tuple[tuple[str, ...], VocabularyEntry, str]]] = {}
        for entry in vocabulary.entries:
            for written in entry.terms:
                term = (written,) if is_abbreviation(written) else tuple(words(written))
                self._by_first.setdefault(term[0], []).append((term, entry, written))
        for terms in self._by_first.values():
            terms.sort(key=lambda item: -len(item[0]))
        self._asks = [(tuple(words(a)), i) for i in intents.intents for a in i.asks]

    def read(self, text: str) -> ReadQuery:
        tokens = words(text)
        cased = cased_words(text)
        shouting = sum(w.isupper() for w in cased) > max(1, len(cased) // 2)
        if len(cased) != len(tokens) or shouting:  # all in capitals: no abbreviations
            cased = tokens
        found: list[Expansion] = []
        start = 0
        while start < len(tokens):
            step = 1
            candidates = self._by_first.get(tokens[start], [])
            if cased[start] != tokens[start]:  # written in capitals: abbreviations too
                candidates = sorted(
                    self._by_first.get(cased[start], []) + candidates, key=lambda c: -len(c[0])
                )
            for term, entry, written in candidates:
                if term[0].isupper():
                    hit = term[0] == cased[start]
                else:
                    hit = tuple(tokens[start : start + len(term)]) == term
                if hit:
                    if all(x.entry.id != entry.id for x in found):
                        others = tuple(t for t in entry.terms if tuple(words(t)) != term)
                        found.append(Expansion(entry, written, others))
                    step = len(term)
                    break
            start += step
        intents: list[Intent] = []
        for ask, intent in self._asks:
            n = len(ask)
            hit = any(tuple(tokens[s : s + n]) == ask for s in range(len(tokens) - n + 1))
            if hit and intent not in intents:
                intents.append(intent)
        return ReadQuery(
            text=text,
            words=tuple(w for w in tokens if w not in STOPWORDS),
            expansions=tuple(found),
            intents=tuple(intents),
        )
