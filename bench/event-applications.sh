#!/usr/bin/env bash
# The last seconds of an event's application window on two nodes sharing one PostgreSQL
# database: APPLICANTS cooperatives submit at the same moment 3 s before the close (50 of them
# twice, on both nodes at once; 50 others again 1.5 s later), 50 more just after the close; then
# 32 staff clients on both nodes approve every submitted application at once while the booths
# (60 % of APPLICANTS) run out. Reports, from the database: applications lost, duplicated or
# accepted after the close, booths approved beyond capacity, approvals refused as full, and
# p50/p99 latencies; baseline in the same run: GET /healthz on the same nodes with the same
# burst and the same clients (bench/event-applications.py).
#
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres); creates and drops its own
# database.
#
# Usage: bench/event-applications.sh [APPLICANTS] [CLOSES_IN]   (defaults 500, 40 seconds)
set -euo pipefail
cd "$(dirname "$0")/.."
applicants=${1:-500}
closes_in=${2:-40}
late=50
capacity=$(( applicants * 3 / 5 ))
for c in psql python3 curl; do command -v $c >/dev/null || { echo "$c is needed" >&2; exit 1; }; done
admin="postgres://postgres@127.0.0.1:5432/postgres"
psql "$admin" -XAtqc "SELECT 1" >/dev/null || { echo "PostgreSQL is needed on 127.0.0.1:5432 (user postgres, trust)" >&2; exit 1; }
cargo build --release --quiet -p lienket
bin=target/release/lienket
db="lienket_bench_events_$$"
url="postgres://postgres@127.0.0.1:5432/$db"
dir=$(mktemp -d /tmp/lienket-bench-XXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  psql "$admin" -XAtqc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
ulimit -n 8192 2>/dev/null || true
export LIENKET_LOG=warn NO_COLOR=1
psql "$admin" -XAtqc "CREATE DATABASE \"$db\""
echo "generating $((applicants + late)) applicants, $capacity booths, window closing in ${closes_in} s…"
$bin gen-data --orgs 0 --event-applicants $((applicants + late)) --event-capacity "$capacity" \
  --event-closes-in "$closes_in" --tokens-out "$dir/bench.json" --database-url "$url" --data-dir "$dir/gen"
ports=()
for i in 1 2; do
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  mkdir -p "$dir/node$i"
  $bin serve --database-url "$url" --data-dir "$dir/node$i" --bind "127.0.0.1:$port" > "$dir/node$i.log" 2>&1 &
  pids+=($!)
  ports+=("$port")
done
for i in 0 1; do
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:${ports[$i]}/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:${ports[$i]}/healthz" >/dev/null || { echo "node $((i + 1)) did not start:" >&2; tail -20 "$dir/node$((i + 1)).log" >&2; exit 1; }
done
echo "two nodes on 127.0.0.1:${ports[0]} and 127.0.0.1:${ports[1]}, database $db"
python3 bench/event-applications.py --tokens "$dir/bench.json" --late "$late" \
  --nodes "http://127.0.0.1:${ports[0]},http://127.0.0.1:${ports[1]}" --database-url "$url"
errors=$(cat "$dir"/node*.log | sed 's/\x1b\[[0-9;]*m//g' | grep -c ' ERROR ' || true)
echo "server errors logged: $errors"
