#!/usr/bin/env bash
# Full clean release build time of the workspace, in a throw-away target directory so the
# everyday target/ is untouched. Baseline in the same run: a clean release build of one
# dependency-free crate (cargo's own fixed cost on this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/lienket-build-XXXX)
trap 'rm -rf "$tmp"' EXIT
cargo fetch --quiet
start=$(date +%s.%N)
CARGO_TARGET_DIR="$tmp/target" cargo build --release --quiet -p lienket
end=$(date +%s.%N)
full=$(echo "$end - $start" | bc)
mkdir -p "$tmp/hello/src" && printf '[package]\nname="hello"\nversion="0.1.0"\nedition="2021"\n' > "$tmp/hello/Cargo.toml"
echo 'fn main(){println!("hi")}' > "$tmp/hello/src/main.rs"
start=$(date +%s.%N)
(cd "$tmp/hello" && CARGO_TARGET_DIR="$tmp/hello-target" cargo build --release --quiet)
end=$(date +%s.%N)
base=$(echo "$end - $start" | bc)
size=$(stat -c %s "$tmp/target/release/lienket")
printf 'clean release build of lienket: %.0f s (%d cores)\n' "$full" "$(nproc)"
printf 'baseline, clean release build of a hello-world crate: %.1f s\n' "$base"
printf 'binary size: %.1f MiB\n' "$(echo "$size / 1048576" | bc -l)"
