#!/usr/bin/env bash
# The yearly review and the dashboards over 100,000 organisations with three years of accepted
# reports and 10,000 programme activities (`gen-data --report-years 3 --activities 10000`).
#
# - Review generation: the whole-programme review of 2024 as the web page, as DOCX and as the
#   XLSX annex, each fetched 5 times (median and worst, seconds). Baseline in the same run: the
#   `sqlite3` shell answering the review's largest single query (the year's report totals by
#   alliance, one pass over the reports joined with the organisations), also 5 times.
# - Dashboards: `/dashboards` and two alliances' dashboards under 16 concurrent clients (wrk):
#   req/s, p50, p99; the first (uncached) computation of each is timed separately. Baseline:
#   `GET /healthz` on the same server under the same load.
#
# Usage: bench/yearly-review.sh [ORGS] [ACTIVITIES] [SECONDS]   (defaults 100000, 10000, 15)
set -euo pipefail
cd "$(dirname "$0")/.."
orgs=${1:-100000}
activities=${2:-10000}
secs=${3:-15}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed: apt-get install sqlite3" >&2; exit 1; }
cargo build --release --quiet -p lienket
bin=target/release/lienket
dir=$(mktemp -d /tmp/lienket-bench-XXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
export LIENKET_LOG=warn
echo "generating $orgs organisations, 3 years of reports, $activities activities…"
/usr/bin/time -f "gen-data: %e s, %M KiB max RSS" $bin gen-data --orgs "$orgs" --report-years 3 \
  --activities "$activities" --data-dir "$dir" 2>&1 | tail -3
echo "load-test-password-2026" | $bin user add perf --role admin --password-stdin --data-dir "$dir" >/dev/null
db="$dir/lienket.db"
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
$bin serve --data-dir "$dir" --bind "127.0.0.1:$port" & pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base_url="http://127.0.0.1:$port"
jar="$dir/cookies"
csrf=$(curl -s -c "$jar" "$base_url/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -b "$jar" -c "$jar" -o /dev/null -d "_csrf=$csrf&username=perf&password=load-test-password-2026" "$base_url/login"
session=$(awk '$6=="lienket_session"{print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
programme=$(sqlite3 "$db" "SELECT MIN(id) FROM programmes")
hn=$(sqlite3 "$db" "SELECT id FROM alliances WHERE code = 'HN'")
hp=$(sqlite3 "$db" "SELECT id FROM alliances WHERE code = 'HP'")
echo "database: $(sqlite3 "$db" "SELECT COUNT(*) FROM organisations") organisations, \
$(sqlite3 "$db" "SELECT COUNT(*) FROM activity_reports") reports, \
$(sqlite3 "$db" "SELECT COUNT(*) FROM activities") activities"

timed() { # URL → seconds of 5 fetches, one per line; fails on a non-200
  for _ in 1 2 3 4 5; do
    out=$(curl -s -o "$dir/out" -w '%{http_code} %{time_total}' -H "Cookie: lienket_session=$session" "$1")
    [ "${out%% *}" = 200 ] || { echo "GET $1 answered ${out%% *}" >&2; exit 1; }
    echo "${out#* }"
  done
}
stats() { python3 -c 'import sys,statistics as s;v=[float(x) for x in sys.stdin.read().split()];print(f"median {s.median(v):.3f} s, worst {max(v):.3f} s")'; }

echo; echo "== review of 2024 (whole programme)"
for what in "" ".docx" ".xlsx"; do
  url="$base_url/programmes/$programme/reviews/2024$what"
  printf '%-8s %s (%s bytes)\n' "${what:-page}" "$(timed "$url" | stats)" "$(stat -c %s "$dir/out")"
done
echo "baseline: sqlite3, the year's report totals by alliance"
for _ in 1 2 3 4 5; do
  /usr/bin/time -f "%e" sqlite3 "$db" "SELECT o.alliance_id, COUNT(*), SUM(r.revenue), SUM(r.profit), \
    SUM(r.members_official + r.members_associate), SUM(r.workers) FROM activity_reports r \
    JOIN organisations o ON o.id = r.organisation_id WHERE r.year = 2024 AND r.period = 'year' \
    AND r.status IN ('submitted', 'accepted') GROUP BY o.alliance_id" 2>&1 >/dev/null
done | stats | sed 's/^/sqlite3  /'

echo; echo "== dashboards: first computation (not cached yet)"
for path in /dashboards "/dashboards/$hn" "/dashboards/$hp"; do
  printf '%-16s %s s\n' "$path" "$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: lienket_session=$session" "$base_url$path")"
done
cat > "$dir/dash.lua" <<LUA
local paths = { "/dashboards", "/dashboards/$hn", "/dashboards/$hp" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
run() { wrk -t2 -c16 -d"${secs}s" --latency -H "Cookie: lienket_session=$session" "$@"; }
echo; echo "== baseline: /healthz"
base=$(run "$base_url/healthz")
echo "$base" | grep -E "Requests/sec|^ +(50|99)%"
echo; echo "== dashboards (all, Hà Nội, Hải Phòng)"
dash=$(run -s "$dir/dash.lua" "$base_url/dashboards")
echo "$dash" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
python3 - "$base" "$dash" <<'PY'
import re, sys
def parse(t):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    def ms(p):
        v, u = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", t, re.M).groups()
        return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
    return rps, ms(50), ms(99)
b, d = parse(sys.argv[1]), parse(sys.argv[2])
print(f"\ndashboards: {d[0]:.0f} req/s, p50 {d[1]:.1f} ms, p99 {d[2]:.1f} ms (target p99 <= 100 ms)")
print(f"baseline /healthz: {b[0]:.0f} req/s, p50 {b[1]:.2f} ms, p99 {b[2]:.2f} ms")
print(f"ratio dashboards/baseline: throughput {d[0]/b[0]:.3f}x, p99 {d[2]/b[2]:.1f}x")
PY
