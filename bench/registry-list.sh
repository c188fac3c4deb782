#!/usr/bin/env bash
# The registry list over 100,000 organisations under 16 concurrent clients (wrk), filtered,
# sorted and paginated as staff use it; baseline in the same run: GET /healthz on the same
# server under the same load (the cost of the HTTP stack and one database round trip).
#
# Usage: bench/registry-list.sh [ORGS] [SECONDS]   (defaults 100000, 15)
set -euo pipefail
cd "$(dirname "$0")/.."
orgs=${1:-100000}
secs=${2:-15}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet -p lienket
bin=target/release/lienket
dir=$(mktemp -d /tmp/lienket-bench-XXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
export LIENKET_LOG=warn
echo "generating $orgs organisations…"
/usr/bin/time -f "gen-data: %e s, %M KiB max RSS" $bin gen-data --orgs "$orgs" --data-dir "$dir" 2>&1 | tail -2
echo "load-test-password-2026" | $bin user add perf --role admin --password-stdin --data-dir "$dir" >/dev/null
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
$bin serve --data-dir "$dir" --bind "127.0.0.1:$port" & pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
jar="$dir/cookies"
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -b "$jar" -c "$jar" -o /dev/null -d "_csrf=$csrf&username=perf&password=load-test-password-2026" "http://127.0.0.1:$port/login"
session=$(awk '$6=="lienket_session"{print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
cat > "$dir/list.lua" <<'LUA'
local paths = {
  "/organisations",
  "/organisations?sort=founded&dir=desc",
  "/organisations?province=01&kind=cooperative",
  "/organisations?sector=agriculture&sort=capital&dir=desc&page=20",
  "/organisations?q=che",
  "/organisations?q=nguyen%20van&status=active",
  "/organisations?founded_from=2010&founded_to=2015&sort=members",
  "/organisations?page=1500",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
curl -s -o /dev/null -H "Cookie: lienket_session=$session" "http://127.0.0.1:$port/organisations"  # warm-up
run() { wrk -t2 -c16 -d"${secs}s" --latency -H "Cookie: lienket_session=$session" "$@"; }
echo; echo "== baseline: /healthz"
base=$(run "http://127.0.0.1:$port/healthz")
echo "$base" | grep -E "Requests/sec|^ +(50|99)%"
echo; echo "== registry list, 8 filter/sort/page variants"
list=$(run -s "$dir/list.lua" "http://127.0.0.1:$port/organisations")
echo "$list" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
python3 - "$base" "$list" <<'PY'
import re, sys
def parse(t):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    def ms(p):
        v, u = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", t, re.M).groups()
        return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
    return rps, ms(50), ms(99)
b, l = parse(sys.argv[1]), parse(sys.argv[2])
print(f"\nlist: {l[0]:.0f} req/s, p50 {l[1]:.1f} ms, p99 {l[2]:.1f} ms (target p99 <= 50 ms)")
print(f"baseline /healthz: {b[0]:.0f} req/s, p50 {b[1]:.2f} ms, p99 {b[2]:.2f} ms")
print(f"ratio list/baseline: throughput {l[0]/b[0]:.3f}x, p99 {l[2]/b[2]:.1f}x")
PY
