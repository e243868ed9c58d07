"""How the search reads words: the curated lay and clinical vocabulary and the kinds of
question people ask, both loaded from content/search/ and matched purely."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import tantivy
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


_STEMMER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's English stem, as the index reads it ('stiffness' and 'stiff' meet)."""
    found = _STEMMER.analyze(word)
    return found[0] if found else word


# A term's words may sit this many words further apart in a question than in the term:
# "pain in my back" names "back pain", "stiff every morning" names "morning stiffness".
WINDOW_SLACK = 2


def _term_key(term: str) -> tuple[str, ...]:
    """The stems a vocabulary term is matched by: its content words (or all its words,
    for a term made only of little words)."""
    ws = words(term)
    content = [w for w in ws if w not in STOPWORDS] or ws
    return tuple(dict.fromkeys(stem(w) for w in content))


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
    filler: tuple[str, ...] = ()  # words weighed down in a question (see intents.yaml)


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
    weak: frozenset[str] = frozenset()  # the question's filler words


class Reader:
    """Reads a question: which vocabulary entries and which intents it mentions.

    A term matches when all its content words are in the question, as the same stems
    (so inflection does not matter), in any order, within a few words of each other
    (WINDOW_SLACK). Abbreviations ('AS', 'THR') match only as written in capitals.
    Longer terms win over shorter ones they contain: "low back pain" over "back pain"."""

    def __init__(self, vocabulary: Vocabulary, intents: Intents) -> None:
        self.vocabulary = vocabulary
        self.intents = intents
        self._abbreviations: dict[str, list[tuple[VocabularyEntry, str]]] = {}
        # Terms by each of their stems: only terms sharing a stem with the question are tried.
        self._by_stem: dict[str, list[tuple[tuple[str, ...], int, VocabularyEntry, str]]] = {}
        for entry in vocabulary.entries:
            for written in entry.terms:
                if is_abbreviation(written):
                    self._abbreviations.setdefault(written, []).append((entry, written))
                    continue
                key = _term_key(written)
                item = (key, len(words(written)), entry, written)
                for s in key:
                    self._by_stem.setdefault(s, []).append(item)
        self._asks = [(tuple(words(a)), i) for i in intents.intents for a in i.asks]
        self._filler = frozenset(w for f in intents.filler for w in words(f))

    def read(self, text: str) -> ReadQuery:
        tokens = words(text)
        cased = cased_words(text)
        shouting = sum(w.isupper() for w in cased) > max(1, len(cased) // 2)
        if len(cased) != len(tokens) or shouting:  # all in capitals: no abbreviations
            cased = tokens
        stems = [stem(t) for t in tokens]
        where: dict[str, list[int]] = {}
        for n, s in enumerate(stems):
            where.setdefault(s, []).append(n)
        matches: list[tuple[int, int, frozenset[int], VocabularyEntry, str]] = []
        for n, word in enumerate(cased):
            for entry, written in self._abbreviations.get(word, ()) if word.isupper() else ():
                matches.append((1, 1, frozenset([n]), entry, written))
        tried: set[str] = set()
        for s in where:
            for key, length, entry, written in self._by_stem.get(s, ()):
                if written in tried:
                    continue
                tried.add(written)
                span = _span(key, where)
                if span is not None and len(span) <= length + WINDOW_SLACK:
                    matches.append((len(key), length, span, entry, written))
        # Longest first; a match inside words a longer one already took is that one's part.
        matches.sort(key=lambda m: (-m[0], -m[1], min(m[2])))
        used: set[int] = set()
        found: list[Expansion] = []
        for _, _, span, entry, written in matches:
            if span <= used:
                continue
            used |= span
            if all(x.entry.id != entry.id for x in found):
                mine = _term_key(written)
                others = tuple(t for t in entry.terms if t == written or _term_key(t) != mine)
                found.append(Expansion(entry, written, tuple(t for t in others if t != written)))
        found.sort(key=lambda x: min(_positions(x.matched, where, cased)))
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
            weak=frozenset(w for w in tokens if w in self._filler),
        )


def _span(key: tuple[str, ...], where: dict[str, list[int]]) -> frozenset[int] | None:
    """The tightest run of question positions holding every stem of `key` (the words
    between included), or None when one is missing."""
    if any(s not in where for s in key):
        return None
    if len(key) == 1:
        return frozenset([where[key[0]][0]])
    best: tuple[int, int] | None = None
    for first in where[key[0]]:
        lo = hi = first
        for s in key[1:]:
            nearest = min(where[s], key=lambda p: abs(p - first))
            lo, hi = min(lo, nearest), max(hi, nearest)
        if best is None or hi - lo < best[1] - best[0]:
            best = (lo, hi)
    assert best is not None
    return frozenset(range(best[0], best[1] + 1))


def _positions(written: str, where: dict[str, list[int]], cased: list[str]) -> list[int]:
    if is_abbreviation(written):
        return [n for n, w in enumerate(cased) if w == written] or [0]
    span = _span(_term_key(written), where)
    return sorted(span) if span else [0]
