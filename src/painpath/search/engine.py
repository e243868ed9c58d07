"""The evidence search: read the question, search the index, re-rank, explain.

1. Read: content words, the vocabulary entries the question mentions (their other terms
   are searched too, weighted lower) and what kind of answer it asks for (treatment,
   symptoms, causes ... whose typical words are searched too, weighted lower still).
2. Search: BM25 in tantivy over titles (boosted) and text.
3. Re-rank the top candidates: the BM25 score, plus how much of a result's title the
   question names, plus, with the semantic extra, how close in meaning it is.
4. Explain: every result says why it matched, and shows a highlighted snippet.

The weights are painpath's own choice, tuned on the development questions in
benchmarks/search_eval.py and kept here so a change is visible and measured.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from painpath.search.answers import Answer
from painpath.search.documents import SearchDoc
from painpath.search.language import STOPWORDS, Reader, ReadQuery, content_words, words
from painpath.search.lexical import LexicalIndex, stemmer


@dataclass(frozen=True)
class Weights:
    title: float = 3.0  # a word in the title counts this many times a word in the text
    synonym: float = 0.2  # a vocabulary term the person did not write, relative to theirs
    intent: float = 1.5  # a word typical of the kind of answer asked for
    title_cover: float = 0.6  # re-rank: share of the result's title the question names
    semantic: float = 0.0  # re-rank: cosine similarity of question and passage
    curated: float = 1.0  # the article the vocabulary says answers what the question names
    safety: float = 3.0  # ... when it names a warning sign: safety information comes first
    other_audience: float = 0.5  # less for an article written for clinicians, to a patient
    filler: float = 0.3  # an everyday word that says little (intents.yaml `filler`)
    sections_per_article: int = 2  # results show the best sections, not a whole article
    candidates: int = 100  # how many BM25 results are re-ranked


# With meaning to go on (the semantic extra), the kind of answer asked for and the title
# weigh more: the model finds the topic, the words tell its passages apart.
SEMANTIC_WEIGHTS = Weights(semantic=1.5, intent=2.0, title_cover=1.0)


@dataclass(frozen=True)
class Result:
    doc: SearchDoc
    score: float
    snippet: str  # HTML: escaped text with <mark> around matched words
    why: tuple[str, ...]


@dataclass(frozen=True)
class SearchResults:
    query: str
    results: tuple[Result, ...]
    read: ReadQuery
    answers: tuple[Answer, ...] = ()
    semantic: bool = False
    notes: tuple[str, ...] = field(default=())
    corrections: tuple[tuple[str, str], ...] = ()  # (what was typed, what was searched)


WARNING_SIGN_PREFIX = "explanation:redflag."
SCAN_CHARS = 20_000  # snippets and reasons read at most this much of a long passage
MAX_WORD = 40  # longer "words" are dropped by the index's tokenizer, so never match


def article_of(doc: SearchDoc) -> str | None:
    """The id of the article a result is a section of (None for anything else)."""
    if doc.kind != "article" or not doc.url:
        return None
    return doc.url.removeprefix("/learn/").split("#")[0]


def _quote(phrase: list[str]) -> str:
    return '"' + " ".join(phrase) + '"' if len(phrase) > 1 else phrase[0]


KINDS = ("article", "exercise", "explanation", "imported")
OWN_KINDS = {"article", "exercise", "explanation"}  # painpath's own content


def build_query(read: ReadQuery, weights: Weights, kinds: set[str] | None = None) -> str:
    """The tantivy query for a read question. Only words made of [a-z0-9] reach it, so
    nothing the person types can change the query's structure. With `kinds`, only those
    kinds of result can match (filtered in the index, before any limit)."""
    parts = []
    for word in dict.fromkeys(w for w in read.words if len(w) <= MAX_WORD):
        if word in read.weak:
            f = weights.filler
            parts.append(f"title:{word}^{weights.title * f:g} text:{word}^{f:g}")
        else:
            parts.append(f"title:{word}^{weights.title:g} text:{word}")
    for expansion in read.expansions:
        for term in expansion.others:
            phrase = [w for w in words(term) if len(w) <= MAX_WORD]
            if not phrase:
                continue
            q = _quote(phrase)
            parts.append(
                f"title:{q}^{weights.title * weights.synonym:g} text:{q}^{weights.synonym:g}"
            )
    for intent in read.intents:
        for cue in intent.answers:
            parts.extend(f"text:{w}^{weights.intent:g}" for w in words(cue))
    if kinds and parts:
        wanted = " ".join(f"kind:{k}" for k in KINDS if k in kinds)
        return f"+({wanted}) +({' '.join(parts)})"
    return " ".join(parts)


class SearchEngine:
    def __init__(
        self,
        docs: Sequence[SearchDoc],
        index: LexicalIndex,
        reader: Reader,
        weights: Weights | None = None,
        semantic: Any = None,  # search.semantic.SemanticIndex, when the extra is installed
        answers: Any = None,  # search.answers.AnswerCards
        safety_articles: frozenset[str] = frozenset(),  # articles on warning signs
    ) -> None:
        self.docs = list(docs)
        self.index = index
        self.reader = reader
        self.weights = weights or Weights()
        self.semantic = semantic
        self.answers = answers
        self.safety_articles = safety_articles
        # A result's names: its title (with its section), and each of its other names.
        self._names = [
            [set(content_words(f"{d.title} {d.heading or ''}"))]
            + [set(content_words(a)) for a in d.aliases]
            for d in self.docs
        ]
        self._stem = stemmer()
        # Words the collection and the vocabulary know; a longer word outside them is
        # likely a misspelling, looked up among the vocabulary's and the titles' words.
        self._known: set[str] = set()
        titled: set[str] = set()
        for d in self.docs:
            head = words(f"{d.title} {d.heading or ''} {' '.join(d.aliases)}")
            self._known.update(head)
            titled.update(head)
            self._known.update(words(d.text[:SCAN_CHARS]))
        self._named: set[str] = set()
        for entry in reader.vocabulary.entries:
            for term in entry.terms:
                termed = words(term)
                self._known.update(termed)
                titled.update(termed)
                self._named.update(termed)
        # By length: a word 1 or 2 edits away is within 2 letters of the typed length.
        self._spellings: dict[int, list[str]] = {}
        self._near_cache: dict[tuple[int, int], list[str]] = {}
        for w in sorted(titled):
            if len(w) >= 4 and not w.isdigit():
                self._spellings.setdefault(len(w), []).append(w)
        # An article's sections, by article id: the vocabulary can point at an article.
        self._article_rows: dict[str, list[int]] = {}
        for row, doc in enumerate(self.docs):
            if article := article_of(doc):
                self._article_rows.setdefault(article, []).append(row)

    def search(
        self,
        query: str,
        limit: int = 10,
        kinds: set[str] | None = None,
        audience: str | None = None,
    ) -> SearchResults:
        """Results for a person: with `audience` "patient", articles written for
        clinicians rank lower; an article shows at most a couple of its sections."""
        text, corrected = self.corrected(query[:500])
        read = self.reader.read(text)
        cards = tuple(self.answers.for_query(read)) if self.answers else ()
        semantic_on = self.semantic is not None and bool(self.weights.semantic)
        ranked = self._rank(read, kinds)
        if audience:
            ranked = sorted(
                (
                    (row, s - self.weights.other_audience)
                    if self.docs[row].audience not in (None, audience)
                    else (row, s)
                    for row, s in ranked
                ),
                key=lambda item: (-item[1], item[0]),
            )
        ranked = self._diverse(ranked)
        chosen = [row for row, _ in ranked[:limit]]
        # A clinic's large corpus must not hide painpath's own answer: the best of it
        # keeps a place near the top.
        own = [row for row, _ in ranked if self.docs[row].kind != "imported"]
        if not own and not kinds:  # the corpus filled every candidate place: ask again
            own_ranked = self._rank(read, OWN_KINDS)
            own = [row for row, _ in own_ranked]
            ranked += own_ranked
        if own and own[0] not in chosen:
            chosen.insert(min(2, len(chosen)), own[0])
            chosen = chosen[:limit]
        score = dict(ranked)
        out = [self._result(self.docs[row], score[row], read, semantic_on) for row in chosen]
        return SearchResults(
            query, tuple(out), read, cards, semantic_on, corrections=tuple(corrected)
        )

    def _near(self, length: int, limit: int) -> list[str]:
        key = (length, limit)
        if key not in self._near_cache:
            self._near_cache[key] = [
                w
                for n in range(length - limit, length + limit + 1)
                for w in self._spellings.get(n, ())
            ]
        return self._near_cache[key]

    def corrected(self, query: str) -> tuple[str, list[tuple[str, str]]]:
        """The question with likely misspellings put right ("aeortic" -> "aortic"): only
        words of 5 letters or more that nothing in the collection uses, only to a word of
        a title or the vocabulary, at most 1 edit away (2 for words of 8 or more)."""
        fixes: list[tuple[str, str]] = []
        out = query
        for word in dict.fromkeys(words(query)):
            if len(word) < 5 or word in self._known or word in STOPWORDS or word.isdigit():
                continue
            limit = 2 if len(word) >= 8 else 1
            near = self._near(len(word), limit)
            close = process.extract(
                word, near, scorer=Levenshtein.distance, score_cutoff=limit, limit=10
            )
            if not close:
                continue
            # Nearest first; at the same distance a vocabulary name, then the length nearest.
            right = min(
                close,
                key=lambda c: (c[1], c[0] not in self._named, abs(len(c[0]) - len(word)), c[0]),
            )[0]
            fixes.append((word, right))
            out = re.sub(rf"(?i)\b{re.escape(word)}\b", right, out)
        return out, fixes

    def _diverse(self, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        per_article: dict[str, int] = {}
        out = []
        for row, score in ranked:
            if article := article_of(self.docs[row]):
                per_article[article] = per_article.get(article, 0) + 1
                if per_article[article] > self.weights.sections_per_article:
                    continue
            out.append((row, score))
        return out

    def ranked_ids(self, query: str, limit: int = 100) -> list[str]:
        """Document ids, best first, without snippets or reasons (for evaluation)."""
        ranked = self._rank(self.reader.read(self.corrected(query[:500])[0]))
        return [self.docs[row].id for row, _ in ranked[:limit]]

    def _rank(self, read: ReadQuery, kinds: set[str] | None = None) -> list[tuple[int, float]]:
        if not read.words and not read.expansions:
            return []
        w = self.weights
        hits = self.index.search(build_query(read, w, kinds), w.candidates)
        top = max((h.score for h in hits), default=0.0) or 1.0
        named = set(read.words) | {
            x for e in read.expansions for t in (e.matched, *e.others) for x in content_words(t)
        }
        scores: dict[int, float] = {}
        for hit in hits:
            cover = max((len(n & named) / len(n) for n in self._names[hit.row] if n), default=0)
            scores[hit.row] = hit.score / top + w.title_cover * cover
        if self.semantic is not None and w.semantic:
            nearest = self.semantic.similar(read, w.candidates, also=list(scores))
            for row, similarity in nearest.items():
                if not kinds or self.docs[row].kind in kinds:
                    scores[row] = scores.get(row, 0.0) + w.semantic * similarity
        for article in self._curated(read):
            safety = article in self.safety_articles
            rows = [r for r in self._article_rows[article] if not kinds or "article" in kinds]
            matched = [r for r in rows if r in scores] or rows[:1]
            for row in matched:
                scores[row] = scores.get(row, 0.0) + (w.safety if safety else w.curated)
            if safety:  # and the warning signs the question matched, explained
                for row in list(scores):
                    if self.docs[row].id.startswith(WARNING_SIGN_PREFIX):
                        scores[row] += w.safety / 2
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

    def _curated(self, read: ReadQuery) -> list[str]:
        """The articles the vocabulary names as the answer to what the question names."""
        return [
            e.entry.article
            for e in read.expansions
            if e.entry.article and e.entry.article in self._article_rows
        ]

    # -- explaining a result ------------------------------------------------------------

    def _stems(self, text: str) -> list[str]:
        return self._stem.analyze(text)

    def _result(self, doc: SearchDoc, score: float, read: ReadQuery, semantic_on: bool) -> Result:
        mine = {s for word in read.words for s in self._stems(word)}
        cue_stems = {s: i.label for i in read.intents for c in i.answers for s in self._stems(c)}
        text = doc.text[:SCAN_CHARS]
        body = f"{doc.title} {doc.heading or ''} {text} {' '.join(doc.aliases)}"
        present = set(self._stems(body))
        why = []
        own = sorted({w for w in read.words if set(self._stems(w)) & present})
        if own:
            why.append("Uses your words: " + ", ".join(own))
        # Another name counts when all of its words are there, not just one of them.
        synonym_stems: set[str] = set()
        for e in read.expansions:
            for term in e.others:
                stems = set(self._stems(" ".join(content_words(term))))
                if stems and stems <= present and not stems <= mine:
                    synonym_stems |= stems - mine
                    why.append(f"Says \u201c{term}\u201d, another name for \u201c{e.matched}\u201d")
                    break
        labels = sorted({label for s, label in cue_stems.items() if s in present})
        if labels:
            why.append("Answers your question about " + " and ".join(labels))
        if semantic_on:
            why.append("Close in meaning to your question")
        curated = {e.entry.article: e.matched for e in read.expansions if e.entry.article}
        article = article_of(doc)
        if article in curated:
            why.insert(0, f"painpath's article about \u201c{curated[article]}\u201d")
        snippet = self._snippet(text, mine | synonym_stems | set(cue_stems))
        return Result(doc, round(score, 4), snippet, tuple(why))

    def _snippet(self, text: str, stems: set[str], width: int = 240) -> str:
        """The stretch of text with the most matched words, matches marked."""
        tokens = list(re.finditer(r"[A-Za-z0-9\u00c0-\u024f']+", text))
        if not tokens:
            return html.escape(text[:width])
        seen: dict[str, bool] = {}
        marks = []
        for t in tokens:
            word = t.group().lower()
            if word not in seen:
                seen[word] = bool(set(self._stems(word)) & stems)
            marks.append(seen[word])
        # Slide a window of `width` characters over the words, counting matches in it.
        best_start, best, count, j = 0, -1, 0, 0
        for i in range(len(tokens)):
            while j < len(tokens) and tokens[j].end() - tokens[i].start() <= width:
                count += marks[j]
                j += 1
            if count > best:
                best, best_start = count, i
            count -= marks[i] if j > i else 0
            j = max(j, i + 1)
        start = tokens[best_start].start()
        end = min(len(text), start + width)
        out, pos = [], start
        for t, hit in zip(tokens, marks, strict=True):
            if t.start() < start or t.end() > end:
                continue
            out.append(html.escape(text[pos : t.start()]))
            word = html.escape(t.group())
            out.append(f"<mark>{word}</mark>" if hit else word)
            pos = t.end()
        out.append(html.escape(text[pos:end]))
        prefix = "\u2026 " if start > 0 else ""
        suffix = " \u2026" if end < len(text) else ""
        return prefix + "".join(out).strip() + suffix
