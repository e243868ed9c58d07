"""What the evidence search finds: one shape for an article section, an exercise, an
assessment explanation or a passage a clinic imported."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

Kind = Literal["article", "exercise", "explanation", "imported"]

KIND_WORDS = {
    "article": "painpath article",
    "exercise": "painpath exercise",
    "explanation": "painpath check-in: a warning sign",
    "imported": "imported",
}


@dataclass(frozen=True)
class SearchDoc:
    id: str  # unique across kinds, e.g. "article:slipped-disc-explained#will-it-get-better"
    kind: Kind
    title: str  # what the result is called: article title, exercise name, corpus title
    text: str  # plain text that is searched and quoted
    url: str | None = None  # where to read it: a painpath page, or the source's own address
    source: str = "painpath"  # who wrote it
    licence: str | None = None
    heading: str | None = None  # the article section, if it is one
    corpus: str | None = None  # imported: the corpus it came from
    aliases: tuple[str, ...] = ()  # other names: searched, and named by a question (not shown)
    audience: str | None = None  # articles: "patient" or "clinician"

    @property
    def fingerprint(self) -> str:
        """Changes when anything searched or shown changes."""
        raw = "\0".join(
            str(v)
            for v in (
                self.id,
                self.kind,
                self.title,
                self.text,
                self.url,
                self.source,
                self.licence,
                self.heading,
                self.corpus,
            )
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def collection_version(docs: list[SearchDoc], extra: str = "") -> str:
    """One hash for a whole set of documents (and whatever else shapes the index), so an
    index built for it can be recognised and reused."""
    digest = hashlib.sha256(extra.encode())
    for doc in sorted(docs, key=lambda d: d.id):
        digest.update(doc.fingerprint.encode())
    return digest.hexdigest()[:16]
