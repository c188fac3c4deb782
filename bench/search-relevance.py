#!/usr/bin/env python3
"""Catalogue search relevance: nDCG@10 of a plain SQLite FTS5 baseline, optionally beside another engine.

The baseline loads the labelled catalogue (crates/search/tests/relevance/catalog.csv) into an FTS5
table over name, producer, province_name, legacy_province and description with the tokenizer
'unicode61 remove_diacritics 2'. For each query it ORs the query's unicode61 tokens, each
double-quoted, ranks by bm25() and keeps the top 10.

nDCG@10: gain 2^grade - 1, discount log2(rank + 1), ideal = the judged grades sorted. The mean is
taken per query kind and over all queries.

  bench/search-relevance.py                      # human-readable table for FTS5
  bench/search-relevance.py --json               # {"overall": x, "by_kind": {...}}
  bench/search-relevance.py --ranking other.tsv  # FTS5 and another engine side by side

A --ranking file is TSV, one line per query: query_id<TAB>code1 code2 ... (best first; only the
first 10 distinct codes count; a query without a line scores 0; a header line is allowed).
Python 3.11 standard library only. Not a test: it never fails on a number.
"""
import argparse
import csv
import json
import math
import os
import re
import sqlite3
import sys
import unicodedata

K = 10
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEFAULT_DIR = os.path.join(ROOT, "crates", "search", "tests", "relevance")
KIND_ORDER = ["accented", "unaccented", "dd", "prefix", "typo", "telex", "type_province",
              "legacy_province", "accent_precision"]
TOKEN = re.compile(r"[^\W_]+")  # unicode61: runs of letters and digits; everything else separates


def nfc(s):
    return unicodedata.normalize("NFC", s)


def load_catalog(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [{k: nfc(v) for k, v in r.items()} for r in csv.DictReader(f)]


def load_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header != ["id", "kind", "query", "judgments"]:
            sys.exit(f"{path}: unexpected header {header}")
        for n, line in enumerate(f, 2):
            line = line.rstrip("\n")
            if not line:
                continue
            qid, kind, query, judgments = line.split("\t")
            grades = {}
            for pair in judgments.split():
                code, grade = pair.rsplit(":", 1)
                grades[code] = int(grade)
            queries.append({"id": qid, "kind": kind, "query": nfc(query), "grades": grades})
    return queries


def load_ranking(path):
    ranking = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            qid, _, codes = line.partition("\t")
            if qid in ("id", "query_id"):
                continue
            ranking[qid] = codes.split()
    return ranking


def fts5_baseline(catalog, queries):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE catalog USING fts5("
               "name, producer, province_name, legacy_province, description, "
               "tokenize = 'unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO catalog(rowid, name, producer, province_name, legacy_province, description) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [(i, r["name"], r["producer"], r["province_name"], r["legacy_province"], r["description"])
                    for i, r in enumerate(catalog, 1)])
    codes = {i: r["code"] for i, r in enumerate(catalog, 1)}
    out = {}
    for q in queries:
        tokens = TOKEN.findall(q["query"])
        if not tokens:
            out[q["id"]] = []
            continue
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        rows = db.execute("SELECT rowid FROM catalog WHERE catalog MATCH ? ORDER BY bm25(catalog) LIMIT ?",
                          (match, K)).fetchall()
        out[q["id"]] = [codes[r[0]] for r in rows]
    return out


def ndcg(ranked, grades):
    seen, dcg, rank = set(), 0.0, 0
    for code in ranked:
        if code in seen:
            continue
        seen.add(code)
        rank += 1
        if rank > K:
            break
        dcg += (2 ** grades.get(code, 0) - 1) / math.log2(rank + 1)
    ideal = sorted(grades.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def summarise(queries, ranking):
    per_query = {q["id"]: ndcg(ranking.get(q["id"], []), q["grades"]) for q in queries}
    kinds = [k for k in KIND_ORDER if any(q["kind"] == k for q in queries)]
    kinds += sorted({q["kind"] for q in queries} - set(kinds))
    by_kind = {}
    for k in kinds:
        vals = [per_query[q["id"]] for q in queries if q["kind"] == k]
        by_kind[k] = round(sum(vals) / len(vals), 4)
    overall = round(sum(per_query.values()) / len(per_query), 4) if per_query else 0.0
    return {"overall": overall, "by_kind": by_kind}, per_query


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--catalog", default=os.path.join(DEFAULT_DIR, "catalog.csv"))
    ap.add_argument("--queries", default=os.path.join(DEFAULT_DIR, "queries.tsv"))
    ap.add_argument("--ranking", metavar="FILE", help="TSV query_id<TAB>codes of another engine")
    ap.add_argument("--name", default="other", help="column label of the --ranking engine")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--per-query", action="store_true", help="also list nDCG@10 of every query")
    args = ap.parse_args()

    catalog = load_catalog(args.catalog)
    queries = load_queries(args.queries)
    fts_rank = fts5_baseline(catalog, queries)
    fts, fts_pq = summarise(queries, fts_rank)
    other = other_pq = None
    if args.ranking:
        other, other_pq = summarise(queries, load_ranking(args.ranking))

    if args.json:
        out = dict(fts)
        if other is not None:
            out["other"] = {"name": args.name, **other}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return

    counts = {}
    for q in queries:
        counts[q["kind"]] = counts.get(q["kind"], 0) + 1
    print(f"catalogue: {len(catalog)} products; queries: {len(queries)}; metric: nDCG@{K}")
    head = f"{'kind':<18} {'n':>4} {'FTS5':>7}" + (f" {args.name[:10]:>10} {'ratio':>6}" if other else "")
    print(head)
    print("-" * len(head))
    rows = [(k, counts[k], fts["by_kind"][k], other["by_kind"][k] if other else None) for k in fts["by_kind"]]
    rows.append(("overall", len(queries), fts["overall"], other["overall"] if other else None))
    for kind, n, a, b in rows:
        if kind == "overall":
            print("-" * len(head))
        line = f"{kind:<18} {n:>4} {a:>7.3f}"
        if other:
            ratio = f"{b / a:>6.2f}" if a > 0 else f"{'-':>6}"
            line += f" {b:>10.3f} {ratio}"
        print(line)
    if args.per_query:
        print()
        for q in queries:
            line = f"{q['id']} {q['kind']:<17} {fts_pq[q['id']]:.3f}"
            if other:
                line += f" {other_pq[q['id']]:.3f}"
            print(f"{line}  {q['query']}")


if __name__ == "__main__":
    main()
