#!/bin/sh
# The comparison benchmark, then its table of ratios and bench/ratios.svg.
# Arguments go to criterion, e.g. `bench/run.sh --measurement-time 5`.
set -eu
cd "$(dirname "$0")"
cargo bench --bench compare -- "$@"
cargo run --release --bin table
