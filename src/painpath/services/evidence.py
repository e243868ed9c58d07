"""The evidence search as a use case: what is indexed, importing a clinic's corpus,
rebuilding the index, and searching.

The index is derived data: painpath's content (articles by section, exercises, the
assessment's explanations) plus the passages clinics imported, which live in the
database. It is rebuilt whenever either changes, into a new folder that replaces the old
one only when complete.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import delete, func, select

from painpath.catalog import Catalog
from painpath.core.accounts import Role
from painpath.core.articles import explainers, plain
from painpath.interop import json_text
from painpath.search.answers import AnswerCards
from painpath.search.documents import SearchDoc, collection_version
from painpath.search.engine import SEMANTIC_WEIGHTS, SearchEngine, SearchResults, Weights
from painpath.search.language import Reader
from painpath.search.lexical import LexicalIndex, build_index
from painpath.services import audit
from painpath.services.checkins import catalog_for
from painpath.services.context import Context
from painpath.services.errors import InvalidInput
from painpath.store.db import transaction
from painpath.store.models import EvidenceDocument

try:  # a lock across processes where the platform has one (Linux, macOS)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("painpath.search")

# Bump when what is indexed, or how, changes: old indexes are then rebuilt.
INDEX_FORMAT = "3"


def content_documents(catalog: Catalog) -> list[SearchDoc]:
    """painpath's own content as search documents."""
    docs: list[SearchDoc] = []
    for article in sorted(catalog.articles.values(), key=lambda a: a.id):
        for section in article.sections:
            anchor = "" if section.anchor == "top" else f"#{section.anchor}"
            docs.append(
                SearchDoc(
                    id=f"article:{article.id}{anchor or '#top'}",
                    kind="article",
                    title=article.meta.title,
                    heading=None if section.anchor == "top" else section.heading,
                    text=plain(section.text),
                    url=f"/learn/{article.id}{anchor}",
                    licence="CC-BY-4.0",
                    audience=article.meta.audience.value,
                )
            )
    for ex in sorted(catalog.exercises.values(), key=lambda e: e.id):
        text = " ".join(
            [ex.summary] + list(ex.steps) + list(ex.cues) + ["Stop if: " + " ".join(ex.stop_if)]
        )
        docs.append(
            SearchDoc(
                id=f"exercise:{ex.id}",
                kind="exercise",
                title=ex.name,
                aliases=tuple(ex.aliases),
                text=text,
                url=f"/exercises/{ex.id}",
                licence="CC-BY-4.0",
            )
        )
    # The check-in's explanations of what it screens for. (Its personal statements,
    # "your answers show ...", are not indexed: out of a check-in they would read as a
    # verdict on someone who never did one.)
    red_flags_page = _explainer_articles(catalog).get("red_flags")
    for rule in catalog.redflags.rules:
        docs.append(
            SearchDoc(
                id=f"explanation:redflag.{rule.id}",
                kind="explanation",
                title=f"Warning sign: {rule.title}",
                text=" ".join([*rule.reasons, f"What to do: {rule.action}"]),
                url=red_flags_page,
            )
        )
    return docs


def _explainer_articles(catalog: Catalog) -> dict[str, str]:
    """For each part of the result page, the page of the patient article explaining it."""
    return {part: f"/learn/{a.id}" for part, a in explainers(catalog.articles, "patient").items()}


# What a passage says (an import that changes none of these changes nothing).
PASSAGE = (
    EvidenceDocument.title,
    EvidenceDocument.text,
    EvidenceDocument.url,
    EvidenceDocument.source,
    EvidenceDocument.licence,
)


def imported_documents(ctx: Context) -> list[SearchDoc]:
    with ctx.services.db() as session:
        rows = session.execute(
            select(EvidenceDocument.corpus, EvidenceDocument.doc_id, *PASSAGE).order_by(
                EvidenceDocument.corpus, EvidenceDocument.doc_id
            )
        ).all()
    return [
        SearchDoc(
            id=f"imported:{corpus}:{doc_id}",
            kind="imported",
            title=title,
            text=text,
            url=url,
            source=source or corpus,
            licence=licence,
            corpus=corpus,
        )
        for corpus, doc_id, title, text, url, source, licence in rows
    ]


def _imported_stamp(ctx: Context) -> tuple[int, Any]:
    """Cheap to ask on every search: changes whenever an import lands."""
    with ctx.services.db() as session:
        count, latest = session.execute(
            select(func.count(EvidenceDocument.id), func.max(EvidenceDocument.imported_at))
        ).one()
    return int(count), latest


# -- the index --------------------------------------------------------------------------


@dataclass
class _Built:
    key: tuple[Any, ...]
    engine: SearchEngine
    version: str
    documents: int
    semantic_note: str | None = None


_lock = threading.Lock()
_current: dict[str, _Built] = {}


def _index_root(ctx: Context) -> Path:
    return ctx.settings.ensure_data_dir() / "search"


def _semantic(ctx: Context, docs: list[SearchDoc], compute: bool, progress: Callable | None):
    """The semantic tier for these documents, or why there is none."""
    model = ctx.settings.search_model
    if model == "none":
        return None, "Semantic search is turned off (PAINPATH_SEARCH_MODEL=none)."
    from painpath.search.semantic import (
        Embedder,
        SemanticIndex,
        Unavailable,
        VectorCache,
        embed_text,
        ensure_vectors,
        vector_key,
    )

    try:
        embedder = Embedder(model)
    except Unavailable as error:
        return None, str(error)
    cache = VectorCache(_index_root(ctx) / "vectors.sqlite3")
    texts = [
        embed_text(d.title + (f" \u2014 {d.heading}" if d.heading else ""), d.text) for d in docs
    ]
    if not compute:
        keys = {vector_key(embedder.model, t) for t in texts}
        missing = len(keys - cache.known(keys))
        if missing:
            return None, (
                f"Semantic search is waiting for {missing} passage vector(s); "
                "run `painpath evidence reindex` to compute them."
            )
    matrix = ensure_vectors(embedder, cache, texts, progress)
    return SemanticIndex(embedder, matrix), None


def engine_for(
    ctx: Context,
    *,
    rebuild: bool = False,
    compute_vectors: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> _Built:
    """The search engine for the current content, imports and passage vectors, building
    its index first if there is none yet for them. If a rebuild fails while searching,
    the previous engine goes on serving."""
    catalog = catalog_for(ctx)
    root = _index_root(ctx)
    key = (
        catalog.version,
        _imported_stamp(ctx),
        ctx.settings.search_model,
        INDEX_FORMAT,
        _vectors_stamp(root),
    )
    with _lock:
        built = _current.get(str(root))
        if built is not None and built.key == key and not rebuild and not compute_vectors:
            return built
        try:
            fresh = _build(ctx, catalog, root, key, rebuild, compute_vectors, progress)
        except Exception:
            if built is None or rebuild or compute_vectors:
                raise
            log.exception("the search index could not be rebuilt; serving the previous one")
            return built
        _current[str(root)] = fresh
        return fresh


def _build(ctx, catalog, root: Path, key, rebuild: bool, compute_vectors: bool, progress):
    docs = content_documents(catalog) + imported_documents(ctx)
    version = collection_version(docs, extra=INDEX_FORMAT)
    folder = root / f"index-{version}"
    with _across_processes(root):
        if rebuild or not (folder / "meta.json").exists():
            if progress:
                progress("index", 0, len(docs))
            build_index(folder, docs)
            if progress:
                progress("index", len(docs), len(docs))
        for old in [*root.glob("index-*"), *root.glob(".index-*")]:
            if old != folder and old.is_dir():  # other versions, and builds that died
                shutil.rmtree(old, ignore_errors=True)
        index = LexicalIndex(folder)

    def vectors(done: int, todo: int) -> None:
        if progress:
            progress("vectors", done, todo)

    semantic, note = _semantic(ctx, docs, compute_vectors, vectors)
    weights = SEMANTIC_WEIGHTS if semantic is not None else Weights()
    engine = SearchEngine(
        docs,
        index,
        Reader(catalog.vocabulary, catalog.intents),
        weights,
        semantic,
        AnswerCards(catalog),
        safety_articles=frozenset(
            a.id for a in [explainers(catalog.articles, "patient").get("red_flags")] if a
        ),
    )
    return _Built(key, engine, version, len(docs), note)


@contextmanager
def _across_processes(root: Path) -> Iterator[None]:
    """One index builder at a time across processes (server workers, the CLI)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _vectors_stamp(root: Path) -> int:
    """Changes when passage vectors are added (by this process or `evidence reindex`)."""
    try:
        return (root / "vectors.sqlite3").stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def search(
    ctx: Context, query: str, limit: int = 10, kinds: set[str] | None = None
) -> SearchResults:
    built = engine_for(ctx)
    staff = ctx.actor.role in (Role.clinician, Role.admin) or ctx.actor.is_system
    results = built.engine.search(query, limit, kinds, audience=None if staff else "patient")
    if built.semantic_note and not results.semantic:
        results = replace(results, notes=(built.semantic_note,))
    return results


def as_dict(found: SearchResults) -> dict:
    """Search results as plain data (the API and `painpath search --json`)."""
    return {
        "query": found.query,
        "semantic": found.semantic,
        "answers": [
            {
                "id": a.id,
                "title": a.title,
                "text": a.text,
                "article": a.article,
                "sources": list(a.sources),
            }
            for a in found.answers
        ],
        "results": [
            {
                "id": r.doc.id,
                "kind": r.doc.kind,
                "title": r.doc.title,
                "heading": r.doc.heading,
                "url": r.doc.url,
                "source": r.doc.source,
                "licence": r.doc.licence,
                "score": r.score,
                "snippet_html": r.snippet,
                "why": list(r.why),
            }
            for r in found.results
        ],
        "notes": list(found.notes),
        "corrections": [{"typed": t, "searched": r} for t, r in found.corrections],
    }


@dataclass
class IndexInfo:
    version: str
    documents: int
    semantic: bool
    note: str | None


def reindex(ctx: Context, progress: Callable[[str, int, int], None] | None = None) -> IndexInfo:
    """Rebuild the index (and compute any missing passage vectors) from scratch."""
    audit.require_admin(ctx, "evidence.reindex")
    built = engine_for(ctx, rebuild=True, compute_vectors=True, progress=progress)
    return IndexInfo(
        built.version, built.documents, built.engine.semantic is not None, built.semantic_note
    )


# -- importing a corpus -----------------------------------------------------------------


MAX_TEXT = 50_000  # characters in one passage; split longer documents into passages


class EvidenceRow(BaseModel):
    """One row of a BEIR-style JSONL corpus: `_id` (or `id`), `title`, `text`, and
    optionally `url`, `source`, `licence` (or `license`). Other keys (e.g. `metadata`)
    are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)
    id: str = Field(alias="_id", min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    url: str | None = Field(None, max_length=2000, pattern=r"^https?://\S+$")
    source: str | None = Field(None, max_length=200)
    licence: str | None = Field(None, max_length=200)

    @field_validator("id", "title", "text", "url", "source", "licence", mode="before")
    @classmethod
    def _strings(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError("must be text")
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


@dataclass(frozen=True)
class Rejected:
    line: int
    id: str | None
    reason: str


@dataclass
class ImportReport:
    corpus: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def read_rows(lines: Iterable[str]) -> Iterator[tuple[int, EvidenceRow | Rejected]]:
    """Each line of a JSONL corpus, validated: a row, or why it was rejected."""
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json_text.loads(line)
        except json_text.JSONTextError as error:
            yield number, Rejected(number, None, str(error))
            continue
        if not isinstance(data, dict):
            yield number, Rejected(number, None, "not a JSON object")
            continue
        if "_id" not in data and "id" in data:
            data["_id"] = data["id"]
        if "licence" not in data and "license" in data:
            data["licence"] = data["license"]
        raw_id = data.get("_id") if isinstance(data.get("_id"), str) else None
        try:
            row = EvidenceRow.model_validate(data)
        except ValidationError as error:
            reasons = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {_plain_error(e)}"
                for e in error.errors()
            )
            yield number, Rejected(number, raw_id, reasons)
            continue
        if row.id in seen:
            yield number, Rejected(number, row.id, f"repeats the id of line {seen[row.id]}")
            continue
        seen[row.id] = number
        yield number, row


def _plain_error(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return "missing"
    if kind == "string_too_short":
        return "empty"
    if kind == "string_too_long":
        limit = error["ctx"]["max_length"]
        hint = "; split it into passages" if limit == MAX_TEXT else ""
        return f"too long (at most {limit:,} characters{hint})"
    if kind == "string_pattern_mismatch":
        return "not a web address (http:// or https://)"
    return str(error["msg"]).removeprefix("Value error, ")


CORPUS_NAME = r"[a-z0-9][a-z0-9_-]{0,79}"


def import_corpus(
    ctx: Context,
    lines: Iterable[str],
    corpus: str,
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate every row, then store the good ones in one transaction (all of them or,
    if anything fails, none), then rebuild the index. Rows whose id is already in the
    corpus are updated; with `replace`, rows of the corpus not in the file are removed."""
    audit.require_admin(ctx, "evidence.import")
    if not re.fullmatch(CORPUS_NAME, corpus):
        raise ValueError(
            "a corpus name is 1-80 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    report = ImportReport(corpus)
    good: dict[str, EvidenceRow] = {}
    for number, item in read_rows(lines):
        report.read += 1
        if isinstance(item, Rejected):
            report.rejected.append(item)
        else:
            good[item.id] = item
        if progress and number % 1000 == 0:
            progress(number)
    if replace and report.rejected:
        # A rejected row would count as "no longer in the file" and be deleted.
        raise InvalidInput(
            {
                "file": f"{len(report.rejected)} row(s) were rejected, so nothing was replaced "
                "(the corpus is as it was). Fix them, or import without --replace."
            }
        )
    now = ctx.now()
    with transaction(ctx.services.db) as session:
        existing = {
            doc_id: (row_id, (title, text, url, source, licence))
            for row_id, doc_id, title, text, url, source, licence in session.execute(
                select(EvidenceDocument.id, EvidenceDocument.doc_id, *PASSAGE).where(
                    EvidenceDocument.corpus == corpus
                )
            )
        }
        if replace:
            stale = [existing[d][0] for d in existing.keys() - good.keys()]
            for i in range(0, len(stale), 500):
                session.execute(
                    delete(EvidenceDocument).where(EvidenceDocument.id.in_(stale[i : i + 500]))
                )
            report.removed = len(stale)
        updates, inserts = [], []
        for row in good.values():
            values = {
                "corpus": corpus,
                "doc_id": row.id,
                "title": row.title,
                "text": row.text,
                "url": row.url,
                "source": row.source,
                "licence": row.licence,
                "imported_at": now,
            }
            if row.id not in existing:
                inserts.append(values)
            elif existing[row.id][1] == (row.title, row.text, row.url, row.source, row.licence):
                report.unchanged += 1
            else:
                updates.append({"id": existing[row.id][0], **values})
        if inserts:
            session.execute(EvidenceDocument.__table__.insert(), inserts)
        if updates:
            session.bulk_update_mappings(EvidenceDocument, updates)
        report.added, report.updated = len(inserts), len(updates)
        audit.record(
            session,
            ctx,
            "evidence.import",
            subject_type="corpus",
            subject_id=corpus,
            detail=f"read {report.read}, added {report.added}, updated {report.updated}, "
            f"unchanged {report.unchanged}, removed {report.removed}, "
            f"rejected {len(report.rejected)}",
        )
    return report
