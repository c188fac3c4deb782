#!/usr/bin/env bash
# Catalogue search over 1,000,000 products, side by side with SQLite FTS5 on the same data and
# the same query list (the 134 labelled queries of the relevance test), 16 concurrent clients:
# - LiênKết: GET /api/v1/products/search?q=…&limit=10 (ranked hits, total, four facets, "did you
#   mean"), over HTTP: first by a node that keeps no answer (--search-answers-kept 0), so every
#   request runs its search: each query once from Python, then the list repeated under wrk;
#   then by a node with its default, where answers are kept until the catalogue changes, the
#   list repeated under wrk;
# - baseline: FTS5 (unicode61, remove_diacritics 2, words OR-ed, bm25 top 10) queried
#   in-process from 16 threads (bench/fts5-baseline.py): no HTTP, no facets, no count.
# Also: generation time, index build time, resident memory while serving, and a product page
# against nginx serving the same page as a static file.
#
# Usage: bench/catalog-search.sh [PRODUCTS] [SECONDS]   (defaults 1000000, 20)
set -euo pipefail
cd "$(dirname "$0")/.."
products=${1:-1000000}
secs=${2:-20}
orgs=$(( products / 20 > 1000 ? products / 20 : 1000 ))
for c in wrk nginx; do command -v $c >/dev/null || { echo "$c is needed: apt-get install wrk nginx-light" >&2; exit 1; }; done
cargo build --release --quiet -p lienket
bin=target/release/lienket
# LIENKET_BENCH_DIR keeps the generated data between runs (generation takes minutes).
dir=${LIENKET_BENCH_DIR:-}
keep=1
[ -n "$dir" ] || { dir=$(mktemp -d /tmp/lienket-bench-XXXX); keep=0; }
mkdir -p "$dir"
pid=""; npid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$npid" ] && kill $npid 2>/dev/null; [ $keep = 1 ] || rm -rf "$dir"' EXIT
export LIENKET_LOG=info NO_COLOR=1
if [ -f "$dir/lienket.db" ]; then
  echo "using the data already in $dir"
else
  echo "generating $orgs organisations and $products products…"
  /usr/bin/time -f "gen-data: %e s, %M KiB max RSS" $bin gen-data --orgs "$orgs" --products "$products" --data-dir "$dir" 2>&1 | tr '\r' '\n' | tail -2
fi
rm -rf "$dir/search-index"
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
# serve [FLAGS…]: starts the node on the data and waits until it answers, then until the work a
# node starts with (the staff registry's index, read from the database) is done: the runs below
# measure a node at rest.
serve() {
  $bin serve --data-dir "$dir" --bind "127.0.0.1:$port" "$@" >> "$dir/serve.log" 2>&1 & pid=$!
  for _ in $(seq 6000); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  for _ in $(seq 120); do
    a=$(awk '{print $14 + $15}' /proc/$pid/stat); sleep 1; b=$(awk '{print $14 + $15}' /proc/$pid/stat)
    [ $((b - a)) -le 5 ] && break
  done
}
: > "$dir/serve.log"
start=$(date +%s.%N)
serve --search-answers-kept 0
ready=$(python3 -c "import time; print(round(time.time() - $start, 1))")
build_ms=$(sed 's/\x1b\[[0-9;]*m//g' "$dir/serve.log" | grep -o 'catalogue index built.*' | grep -o 'ms=[0-9]*' | head -1 | cut -d= -f2 || true)
echo "index: built in ${build_ms:-?} ms; server ready and at rest after ${ready} s"
python3 - crates/search/tests/relevance/queries.tsv > "$dir/search.lua" <<'PY'
import csv, sys, urllib.parse
qs = [r["query"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t")]
print("local paths = {")
for q in qs:
    print('  "/api/v1/products/search?limit=10&q=%s",' % urllib.parse.quote(q))
print("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend")
PY
# The cold path: each of the 134 queries sent once by 16 clients, before any answer is kept.
echo; echo "== LiênKết search, cold: each query once, 16 clients, nothing kept yet"
cold=$(python3 - "http://127.0.0.1:$port" crates/search/tests/relevance/queries.tsv <<'PY'
import csv, concurrent.futures, json, sys, time, urllib.parse, urllib.request
base, tsv = sys.argv[1], sys.argv[2]
qs = [r["query"] for r in csv.DictReader(open(tsv, encoding="utf-8"), delimiter="\t")]
def one(q):
    t = time.perf_counter()
    with urllib.request.urlopen(f"{base}/api/v1/products/search?limit=10&q={urllib.parse.quote(q)}") as r:
        r.read()
    return (time.perf_counter() - t) * 1000
start = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(16) as ex:
    ms = sorted(ex.map(one, qs))
took = time.perf_counter() - start
pick = lambda p: ms[min(len(ms) - 1, int(p / 100 * len(ms)))]
print(json.dumps({"qps": len(ms) / took, "p50_ms": pick(50), "p99_ms": pick(99), "n": len(ms)}))
PY
)
echo "$cold"
run() { wrk -t2 -c16 -d"${secs}s" --latency "$@"; }
echo; echo "== LiênKết search, 134 queries repeated, 16 clients, no answer kept (every request searches)"
uncached=$(run -s "$dir/search.lua" "http://127.0.0.1:$port/")
echo "$uncached" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
rss_built=$(ps -o rss= -p $pid)
echo "resident memory of the node that built the index, after these runs: $((rss_built / 1024)) MiB"
kill $pid; wait $pid 2>/dev/null || true
serve
# Each query once, so that the run below measures answers kept (not the first of each).
while IFS= read -r path; do curl -s -o /dev/null "http://127.0.0.1:$port$path"; done < <(grep -o '"/api[^"]*"' "$dir/search.lua" | tr -d '"')
echo; echo "== LiênKết search, 134 queries repeated, 16 clients (answers kept per catalogue generation)"
lk=$(run -s "$dir/search.lua" "http://127.0.0.1:$port/")
echo "$lk" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
rss=$(ps -o rss= -p $pid)
echo "resident memory while serving (a node that opened the index): $((rss / 1024)) MiB"
echo; echo "== baseline: SQLite FTS5 on the same products, same queries, 16 threads"
fts=$(python3 bench/fts5-baseline.py "$dir/lienket.db" crates/search/tests/relevance/queries.tsv --seconds "$secs")
echo "$fts"
# A product page against nginx serving the same page as a static file.
code=$(curl -s "http://127.0.0.1:$port/api/v1/products/search?q=mat%20ong&limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['items'][0]['code'])")
mkdir -p "$dir/www/p"; curl -s "http://127.0.0.1:$port/p/$code" > "$dir/www/p/$code.html"
# nginx's workers run as an unprivileged user: let them read the page (mktemp makes 0700).
chmod a+x "$dir"; chmod -R a+rX "$dir/www"
nport=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > "$dir/nginx.conf" <<NGINX
worker_processes auto; daemon off; pid $dir/nginx.pid; error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http { access_log off; default_type text/html;
  server { listen 127.0.0.1:$nport; root $dir/www; location /p/ { try_files \$uri.html =404; } } }
NGINX
nginx -c "$dir/nginx.conf" -p "$dir" & npid=$!
sleep 1
echo; echo "== product page /p/$code: LiênKết"
echo "LiênKết: $(curl -s -o /dev/null -w '%{http_code}, %{size_download} bytes' "http://127.0.0.1:$port/p/$code"); nginx: $(curl -s -o /dev/null -w '%{http_code}, %{size_download} bytes' "http://127.0.0.1:$nport/p/$code")"
page=$(run "http://127.0.0.1:$port/p/$code")
echo "$page" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
echo; echo "== baseline: nginx, the same page as a static file"
static=$(run "http://127.0.0.1:$nport/p/$code")
echo "$static" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
python3 - "$lk" "$fts" "$page" "$static" "$cold" "$uncached" <<'PY'
import json, re, sys
def parse(t):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    def ms(p):
        v, u = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", t, re.M).groups()
        return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
    return rps, ms(50), ms(99)
lk, page, static = parse(sys.argv[1]), parse(sys.argv[3]), parse(sys.argv[4])
uncached = parse(sys.argv[6])
fts = json.loads(sys.argv[2])
print(f"\nsearch, answers kept: LiênKết {lk[0]:.0f} q/s, p50 {lk[1]:.1f} ms, p99 {lk[2]:.1f} ms")
print(f"search, every request searching (wrk): LiênKết {uncached[0]:.0f} q/s, p50 {uncached[1]:.1f} ms, p99 {uncached[2]:.1f} ms (target >= 5x FTS5, p99 <= 20 ms)")
cold = json.loads(sys.argv[5])
print(f"search, each query once (Python client): LiênKết {cold['qps']:.0f} q/s, p50 {cold['p50_ms']:.1f} ms, p99 {cold['p99_ms']:.1f} ms")
print(f"search: FTS5    {fts['qps']:.0f} q/s, p50 {fts['p50_ms']:.1f} ms, p99 {fts['p99_ms']:.1f} ms (index built in {fts['build_s']} s)")
print(f"ratio LiênKết/FTS5: throughput {lk[0]/fts['qps']:.2f}x answers kept, {uncached[0]/fts['qps']:.2f}x every request searching")
print(f"product page: LiênKết {page[0]:.0f} req/s (p99 {page[2]:.1f} ms), nginx {static[0]:.0f} req/s: {page[0]/static[0]:.2f}x (target >= 0.6x)")
PY
