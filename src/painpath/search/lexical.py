"""BM25 over titles and text with tantivy, stemmed English, kept in a folder on disk.

An index is built into a new folder and only then moved into place, so a search never
sees half an index, and a build that is killed leaves the previous one working."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

from painpath.search.documents import SearchDoc

# Bytes tantivy may buffer while indexing: enough that a clinic-sized collection is
# written as one segment, where a document's address is its row (no stored-field look-up
# per hit). Larger collections still work, through the stored row number.
WRITER_HEAP = 400_000_000


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("row", stored=True, indexed=False, fast=True)
    builder.add_text_field("kind", tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("text", tokenizer_name="en_stem")
    return builder.build()


def stemmer() -> tantivy.TextAnalyzer:
    """The analyzer the index uses (tantivy's en_stem), for reading words the same way
    when highlighting."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def build_index(folder: Path, docs: Sequence[SearchDoc]) -> None:
    """Write an index of `docs` (row n = docs[n]) to `folder`, atomically."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        _write(staging, docs)
        if folder.exists():
            old = folder.with_name(f".{folder.name}-old-{os.getpid()}")
            folder.rename(old)
            staging.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(folder)
    except BaseException:
        gc.collect()  # the writer's threads let go of their files once it is gone
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write(staging: Path, docs: Sequence[SearchDoc]) -> None:
    index = tantivy.Index(_schema(), path=str(staging))
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    try:
        for row, doc in enumerate(docs):
            title = f"{doc.title} {doc.heading}" if doc.heading else doc.title
            document = tantivy.Document()
            document.add_unsigned("row", row)
            document.add_text("kind", doc.kind)
            document.add_text("title", title)
            # Other names count as text (a long list of them must not outweigh a title),
            # and the engine checks whether the question names one (title cover).
            document.add_text("text", " ".join([doc.text, *doc.aliases]))
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        writer.rollback()
        raise


@dataclass(frozen=True)
class Hit:
    row: int
    score: float


class LexicalIndex:
    def __init__(self, folder: Path) -> None:
        self.index = tantivy.Index.open(str(folder))
        self.index.reload()
        self.searcher = self.index.searcher()
        self.one_segment = self.searcher.num_segments == 1 and self._rows_are_addresses()

    def _rows_are_addresses(self) -> bool:
        """True when documents sit in the order they were added (checked, not assumed)."""
        sample = self.searcher.search(tantivy.Query.all_query(), 5).hits
        return all(self.searcher.doc(addr)["row"][0] == addr.doc for _, addr in sample)

    def search(self, query: str, limit: int) -> list[Hit]:
        """`query` in tantivy's query language (built by the engine, never raw user
        text)."""
        parsed = self.index.parse_query(query, ["title", "text"])
        hits = self.searcher.search(parsed, limit).hits
        if self.one_segment:
            return [Hit(addr.doc, float(score)) for score, addr in hits]
        return [Hit(int(self.searcher.doc(addr)["row"][0]), float(score)) for score, addr in hits]
