"""painpath's evidence search measured on external data: MedQuAD (Ben Abacha &
Demner-Fushman, BMC Bioinformatics 2019; CC BY 4.0), 15,809 NIH passages as an imported
corpus, with the musculoskeletal dev questions, their synonym variants and all dev
questions. Reports nDCG@10, Recall@10, MRR@10 and latency p50/p95 per question, for the
default tier (BM25 + vocabulary + intents, no model) and, when the optional extra is
installed, the semantic tier.

    .venv/bin/python benchmarks/search_eval.py [--tier default|semantic|both] [--sets msk_dev,...]
        [--json FILE]

The index and the passage vectors are cached under benchmarks/.cache/ (the vectors take
about an hour to compute once on a 2-core machine; later runs reuse them). Tune on these
dev sets only: the search is also checked on held-out questions.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from painpath.catalog import get_catalog
from painpath.search.documents import SearchDoc, collection_version
from painpath.search.engine import SEMANTIC_WEIGHTS, SearchEngine, Weights
from painpath.search.language import Reader
from painpath.search.lexical import LexicalIndex, build_index

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "eval" / "medquad"
CACHE = Path(__file__).resolve().parent / ".cache"
SETS = ("msk_dev", "msk_synonym_dev", "all_dev")

# BM25 baselines from ../shared/data/eval/README.md (nDCG@10, Recall@10, MRR@10).
BASELINES = {
    "msk_dev": (0.597, 0.831, 0.536),
    "msk_synonym_dev": (0.188, 0.273, 0.173),
    "all_dev": (0.617, 0.894, 0.539),
}


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with path.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            query, doc, score = line.rstrip("\n").split("\t")
            qrels[query][doc] = int(score)
    return qrels


def ndcg_at_10(ranked: list[str], rel: dict[str, int]) -> float:
    dcg = sum((2 ** rel.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted((g for g in rel.values() if g > 0), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def corpus_docs() -> list[SearchDoc]:
    return [
        SearchDoc(
            id=row["_id"],
            kind="imported",
            title=row.get("title") or "",
            text=row["text"],
            source="MedQuAD",
            licence="CC-BY-4.0",
            corpus="medquad",
        )
        for row in load_jsonl(DATA / "corpus.jsonl")
    ]


def engine_for(docs: list[SearchDoc], tier: str, weights: Weights) -> SearchEngine:
    catalog = get_catalog()
    folder = CACHE / f"medquad-index-{collection_version(docs)}"
    if not folder.exists():
        started = time.perf_counter()
        build_index(folder, docs)
        print(
            f"indexed {len(docs):,} passages in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    semantic = None
    if tier == "semantic":
        from painpath.search.semantic import (
            Embedder,
            SemanticIndex,
            VectorCache,
            embed_text,
            ensure_vectors,
        )

        embedder = Embedder()
        started = time.perf_counter()

        def progress(done: int, todo: int) -> None:
            if done % 320 == 0 or done == todo:
                print(
                    f"  vectors {done:,}/{todo:,} ({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                )

        matrix = ensure_vectors(
            embedder,
            VectorCache(CACHE / "vectors.sqlite3"),
            [embed_text(d.title, d.text) for d in docs],
            progress,
        )
        semantic = SemanticIndex(embedder, matrix)
    return SearchEngine(
        docs, LexicalIndex(folder), Reader(catalog.vocabulary, catalog.intents), weights, semantic
    )


def evaluate(engine: SearchEngine, name: str) -> dict:
    queries = load_jsonl(DATA / f"queries_{name}.jsonl")
    qrels = load_qrels(DATA / "qrels" / f"{name}.tsv")
    ndcg, recall, mrr, latency = [], [], [], []
    for query in queries:
        rel = {d: s for d, s in qrels.get(query["_id"], {}).items() if s >= 1}
        if not rel:
            continue
        started = time.perf_counter()
        ranked = engine.ranked_ids(query["text"], 100)
        latency.append(time.perf_counter() - started)
        ndcg.append(ndcg_at_10(ranked, rel))
        recall.append(len(set(ranked[:10]) & set(rel)) / len(rel))
        mrr.append(next((1 / (i + 1) for i, d in enumerate(ranked[:10]) if d in rel), 0.0))
    latency.sort()
    return {
        "queries": len(ndcg),
        "ndcg@10": round(statistics.fmean(ndcg), 3),
        "recall@10": round(statistics.fmean(recall), 3),
        "mrr@10": round(statistics.fmean(mrr), 3),
        "p50_ms": round(latency[len(latency) // 2] * 1000, 2),
        "p95_ms": round(latency[min(len(latency) - 1, int(len(latency) * 0.95))] * 1000, 2),
    }


TIER_WEIGHTS = {  # the same weights painpath serves with (services/evidence.py)
    "default": Weights(),
    "semantic": SEMANTIC_WEIGHTS,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", choices=("default", "semantic", "both"), default="both")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"no evaluation data at {DATA}", file=sys.stderr)
        return 2
    tiers = ["default", "semantic"] if args.tier == "both" else [args.tier]
    docs = corpus_docs()
    report = {"machine": f"{platform.machine()}, {platform.python_version()}", "tiers": {}}
    print(
        "| tier | set | questions | nDCG@10 | Recall@10 | MRR@10 | p50 ms | p95 ms "
        "| BM25 baseline nDCG@10 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for tier in tiers:
        try:
            engine = engine_for(docs, tier, TIER_WEIGHTS[tier])
        except Exception as error:  # the semantic extra may be missing
            print(f"| {tier} | (not run: {error}) |||||||")
            continue
        report["tiers"][tier] = {}
        for name in args.sets.split(","):
            m = evaluate(engine, name)
            report["tiers"][tier][name] = m
            print(
                f"| {tier} | {name} | {m['queries']} | {m['ndcg@10']:.3f} | {m['recall@10']:.3f} | "
                f"{m['mrr@10']:.3f} | {m['p50_ms']:.2f} | {m['p95_ms']:.2f} "
                f"| {BASELINES[name][0]:.3f} |"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
