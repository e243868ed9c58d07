"""Evidence search: one index over painpath's articles (by section), exercises and
assessment explanations, and any corpus a clinic imports; lay words understood through
a curated vocabulary; BM25 ranking (tantivy) and, where the optional extra is installed,
semantic retrieval fused with it."""
