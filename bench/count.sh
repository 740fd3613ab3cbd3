#!/bin/sh
# Instructions per call (callgrind) of each benchmark function's primal, hand-written gradient
# and generated `_grad`, and their ratios: exact and repeatable, whatever else the machine does.
# Each count is the difference between 2·R and R calls, divided by R.
set -eu
cd "$(dirname "$0")"
cargo build --release --bin count
bin=target/release/count
calls() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_call() {
    a=$(calls "$1" "$2")
    b=$(calls "$1" $(($2 * 2)))
    echo $(((b - a) / $2))
}
echo "| function | primal | hand-written | generated | generated / primal | generated / hand |"
echo "|---|---:|---:|---:|---:|---:|"
for case in tanh:20 taylor_sine:20 logistic:10 rosenbrock:10 gmm:1; do
    f=${case%%:*}
    reps=${case##*:}
    p=$(per_call "$f/primal" "$reps")
    h=$(per_call "$f/hand" "$reps")
    g=$(per_call "$f/gen" "$reps")
    awk -v f="$f" -v p="$p" -v h="$h" -v g="$g" \
        'BEGIN { printf "| %s | %d | %d | %d | %.2f | %.2f |\n", f, p, h, g, g / p, g / h }'
done
