#!/usr/bin/env bash
# Importing a generated registry workbook (default 100,000 rows) with validation, lenient
# parsing and address conversion, all or nothing, against the baseline in the same run:
# the sqlite3 shell loading the same rows as CSV with `.import` into a bare table.
#
# Usage: bench/registry-import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed: apt-get install sqlite3" >&2; exit 1; }
cargo build --release --quiet -p lienket
bin=$PWD/target/release/lienket
dir=$(mktemp -d /tmp/lienket-import-XXXX)
trap 'rm -rf "$dir"' EXIT
export LIENKET_LOG=warn
$bin gen-data --orgs "$rows" --xlsx "$dir/registry.xlsx" >/dev/null
ls -l "$dir/registry.xlsx" "$dir/registry.csv" | awk '{print $5, $9}'
$bin gen-data --orgs 0 --data-dir "$dir/db" >/dev/null 2>&1

now() { date +%s.%N; }
t0=$(now)
$bin import registry "$dir/registry.xlsx" --alliance HN --data-dir "$dir/db" 2>/dev/null | tail -2
t1=$(now)
sqlite3 "$dir/baseline.db" ".mode csv" ".import $dir/registry.csv registry" 
t2=$(now)
t3=$(now)
$bin import registry "$dir/registry.xlsx" --alliance HN --data-dir "$dir/db" 2>/dev/null | tail -1
t4=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$rows" "$dir" <<'PY'
import sys, sqlite3
t0, t1, t2, t3, t4 = map(float, sys.argv[1:6]); rows = int(sys.argv[6]); d = sys.argv[7]
lk, base, again = t1 - t0, t2 - t1, t4 - t3
n = sqlite3.connect(f"{d}/db/lienket.db").execute("select count(*) from organisations").fetchone()[0]
b = sqlite3.connect(f"{d}/baseline.db").execute("select count(*) from registry").fetchone()[0]
print(f"\nlienket import registry (XLSX, {rows} rows, checked, converted, one transaction): {lk:.1f} s  (target <= 10 s)")
print(f"re-import of the same file (every row an update): {again:.1f} s")
print(f"baseline sqlite3 .import of the same rows as CSV into a bare table: {base:.2f} s")
print(f"ratio lienket / baseline: {lk / base:.1f}x; organisations in the registry: {n}; baseline rows: {b}")
PY
