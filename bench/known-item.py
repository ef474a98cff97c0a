#!/usr/bin/env python3
"""Known-item ranking of SQLite FTS5 on the queries of sou's known-item test.

usage: bench/known-item.py QUERIES.tsv FTS5.db

QUERIES.tsv: `id<TAB>w1 w2 w3` lines, written by `cargo test --release --test corpus
-- --include-ignored` to target/known-item-queries.tsv. FTS5.db: an FTS5 table `docs`
built by ../shared/bench/peers.py (bench/run leaves target/bench/news.trigram.fts5.db).
Each query is sent as `"w1" AND "w2" AND "w3"` (every word required, as sou does),
ranked by FTS5's bm25; prints success@1 and MRR over the top 10, like the sou test.
"""
import sqlite3, sys

queries = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8") if "\t" in l]
con = sqlite3.connect(sys.argv[2])
first = rr = empty = 0
for doc_id, q in queries:
    match = " AND ".join('"' + w.replace('"', '""') + '"' for w in q.split())
    ids = [r[0] for r in con.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (match,))]
    empty += not ids
    if doc_id in ids:
        rank = ids.index(doc_id)
        first += rank == 0
        rr += 1 / (rank + 1)
n = len(queries)
print(f"{n} queries: success@1 {first / n:.3f}, MRR {rr / n:.3f}, no result for {empty}")
