#!/usr/bin/env python3
"""SQLite FTS5 baseline for catalogue search, on the same data and queries as LiênKết.

Builds an FTS5 index (unicode61, remove_diacritics 2, words OR-ed, ranked by bm25) over the
published products of a LiênKết SQLite database (name, producer, province names, description),
then runs the query list from 16 threads (one connection each) for a fixed time and prints
queries/s and p50/p99 latency as JSON. sqlite3 releases the GIL while a statement runs, so the
threads search in parallel. Standard library only.

Usage: bench/fts5-baseline.py DB QUERIES.tsv [--threads 16] [--seconds 20]
"""
import argparse, csv, json, os, re, shutil, sqlite3, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("db"); ap.add_argument("queries")
ap.add_argument("--threads", type=int, default=16); ap.add_argument("--seconds", type=float, default=20)
a = ap.parse_args()

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
provinces = {}
with open(os.path.join(root, "data/admin-units/units-2025.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        provinces[r["province_code"]] = r["province_short"]

work = tempfile.mkdtemp(prefix="fts5-")
db = os.path.join(work, "fts.db")
shutil.copy(a.db, db)
con = sqlite3.connect(db)
con.create_function("province_name", 1, lambda c: provinces.get(c or "", ""))
t0 = time.time()
con.executescript("""
CREATE VIRTUAL TABLE fts USING fts5(code UNINDEXED, name, producer, province, description,
  tokenize = 'unicode61 remove_diacritics 2');
""")
con.execute("""INSERT INTO fts SELECT p.code, p.name, o.name, province_name(p.origin_province_code),
  COALESCE(p.description, '') FROM products p JOIN organisations o ON o.id = p.organisation_id
  WHERE p.status = 'published'""")
con.commit()
build = time.time() - t0
count = con.execute("SELECT COUNT(*) FROM fts").fetchone()[0]
con.close()

queries = []
with open(a.queries, encoding="utf-8") as f:
    for r in csv.DictReader(f, delimiter="\t"):
        words = [w for w in re.split(r"[^\w]+", r["query"]) if w]
        if words:
            queries.append(" OR ".join('"%s"' % w.replace('"', '""') for w in words))

lat = []; lock = threading.Lock(); stop = time.time() + a.seconds
def worker(k):
    c = sqlite3.connect(db, check_same_thread=False)
    mine = []; i = k
    while time.time() < stop:
        q = queries[i % len(queries)]; i += 1
        s = time.perf_counter()
        c.execute("SELECT code FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10", (q,)).fetchall()
        mine.append(time.perf_counter() - s)
    with lock: lat.extend(mine)
threads = [threading.Thread(target=worker, args=(k,)) for k in range(a.threads)]
t0 = time.time()
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.time() - t0
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] * 1000
print(json.dumps({"documents": count, "build_s": round(build, 2), "qps": round(len(lat) / elapsed, 1),
                  "p50_ms": round(pct(0.50), 2), "p99_ms": round(pct(0.99), 2)}))
shutil.rmtree(work, ignore_errors=True)
