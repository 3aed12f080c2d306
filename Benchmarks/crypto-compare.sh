#!/usr/bin/env bash
# MatrixCrypto beside vodozemac (Python binding), same operations, same machine, one run.
# Each side runs `rounds` times, alternating, and the best time of each operation is shown:
# on a shared machine the minimum is the figure least disturbed by other work.
# Usage: bash Benchmarks/crypto-compare.sh [operations-per-measure] [rounds]
# (needs vodozemac in .venv: the test command installs it, or .venv/bin/pip install vodozemac)
set -euo pipefail
cd "$(dirname "$0")"
count="${1:-2000}"
rounds="${2:-3}"
python="${VODOZEMAC_PYTHON:-../.venv/bin/python}"
swift build -c release --product crypto-benchmark >&2
swift_results="" vodozemac_results=""
for _ in $(seq "$rounds"); do
    swift_results+="$(.build/release/crypto-benchmark "$count")"$'\n'
    vodozemac_results+="$("$python" vodozemac_benchmark.py "$count")"$'\n'
done
best() { awk 'NF == 2 && (!($1 in min) || $2 < min[$1]) { min[$1] = $2 } END { for (name in min) print name, min[name] }' | sort; }
printf '%-22s %12s %14s %8s\n' operation "swift (us)" "vodozemac (us)" ratio
join <(best <<<"$swift_results") <(best <<<"$vodozemac_results") \
    | awk '{ printf "%-22s %12.1f %14.1f %8.2f\n", $1, $2, $3, $2 / $3 }'
