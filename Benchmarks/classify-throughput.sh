#!/usr/bin/env bash
# How many lines a second `supportbot classify --json` streams, process start included:
# a million realistic messages (the development set and every rule file's examples and
# counterexamples, repeated), through the release binary, three runs.
#   bash Benchmarks/classify-throughput.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${1:-1000000}"
swift build -c release --product supportbot >/dev/null
input="$(mktemp)"
trap 'rm -f "$input"' EXIT
python3 - "$lines" > "$input" <<'PY'
import glob, sys, yaml
development = yaml.safe_load(open("Intents/evaluation/dev.yaml"))
messages = [m["text"] for m in development["messages"]]
messages += [line["text"] for conversation in development["conversations"] for line in conversation["lines"]]
for path in sorted(glob.glob("Intents/*.yaml")):
    rules = yaml.safe_load(open(path))
    if isinstance(rules, dict):
        messages += [str(text) for text in (rules.get("examples") or []) + (rules.get("counterexamples") or [])]
wanted = int(sys.argv[1])
out = sys.stdout
for index in range(wanted):
    out.write(messages[index % len(messages)].replace("\n", " ") + "\n")
PY
echo "$(wc -l < "$input") lines, $(du -h "$input" | cut -f1), $(grep -c . "$input") non-empty"
for run in 1 2 3; do
  start=$(date +%s.%N)
  .build/release/supportbot classify --json < "$input" > /dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'run {sys.argv[4]}: {s:.2f} s, {int(sys.argv[3])/s:,.0f} lines/s')" "$start" "$end" "$lines" "$run"
done
