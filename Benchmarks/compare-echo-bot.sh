#!/usr/bin/env bash
# supportbot beside a matrix-nio echo bot (Python, no classification, no database) on one
# Synapse: each bot's CPU a reply, message → reply latency and delivery, paced and in a burst,
# the same patients and messages for both. Installs matrix-nio and Synapse into .venv.
#   bash Benchmarks/compare-echo-bot.sh [options of `bot-benchmark compare`]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
# With vodozemac in .venv (the test command installs it) nio turns its encryption on, which
# needs the e2e extra's packages.
.venv/bin/python -c 'import nio' 2>/dev/null || .venv/bin/pip install -q "matrix-nio[e2e]"
swift build -c release --product supportbot >/dev/null
cd Benchmarks
swift build -c release --product bot-benchmark >/dev/null
trap 'bash ../Deploy/synapse/synapse.sh stop >/dev/null' EXIT
.build/release/bot-benchmark compare "$@"
