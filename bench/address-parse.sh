#!/usr/bin/env bash
# Address parsing speed (release build) against folding the same addresses as the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet -p lienket-domain --example parse_timing
