#!/usr/bin/env bash
# What end-to-end encryption costs supportbot (issue 13), on Synapse, against one `supportbot run`
# (release build), with matrix-nio (vodozemac) as the patients' client, in one run:
#   1. reply time in encrypted direct chats against plaintext ones, messages interleaved (one
#      every 300 ms, alternating kinds), the first message of each chat left out (it claims
#      keys): p50 / p90 / p99 of each kind and the ratio of the medians (target: ≤ 1.2);
#      10 chats of each kind × 12 messages = 120 messages a kind;
#   2. the bot's CPU a message (utime+stime from /proc/PID/stat), a plaintext-only phase then an
#      encrypted-only phase, 120 messages each at the same pace;
#   3. the bot's memory at rest (RssAnon, RssFile from /proc/PID/status) after 1,000 more
#      encrypted direct chats, each a new user that opens it, sends one message, waits for the
#      reply and closes (8 at a time).
# Progress, with times, goes to stderr; the table to stdout. Benchmarks/encrypted_reply_time.py
# does the work; its header says exactly how each figure is taken.
#
#   bash Benchmarks/encrypted-reply-time.sh [--patients 10] [--messages 12] [--pace 300]
#        [--chats 1000] [--concurrency 8] [--patience 60] [--keep] [--no-build]
#
# Builds the bot (`swift build -c release --product supportbot`: minutes from clean) unless
# --no-build, installs matrix-nio[e2e] into .venv when missing, and starts Synapse
# (Deploy/synapse/synapse.sh, .build-synapse) unless it is running. Synapse is stopped at the end
# only if this script started it. Each run registers new users and rooms on it.
# With the defaults a run takes about 10 minutes on a 2-core machine: 2.5 for phases 1 and 2,
# 7 for the 1,000 chats of phase 3 (about 2.3 chats a second; --chats 100 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
args=()
for arg in "$@"; do
  if [ "$arg" = --no-build ]; then build=false; else args+=("$arg"); fi
done

if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
# nio turns its encryption on only with its e2e extra's packages (vodozemac) installed.
.venv/bin/python -c 'import nio, vodozemac' 2>/dev/null || .venv/bin/pip install -q "matrix-nio[e2e]"
if $build || [ ! -x .build/release/supportbot ]; then
  echo "Building supportbot (release)..." >&2
  swift build -c release --product supportbot >/dev/null
fi

synapse_dir=.build-synapse
started_synapse=false
if ! [ -f "$synapse_dir/homeserver.pid" ] || ! kill -0 "$(cat "$synapse_dir/homeserver.pid")" 2>/dev/null; then
  started_synapse=true
fi
url="$(bash Deploy/synapse/synapse.sh start "$synapse_dir")"
if $started_synapse; then
  trap 'bash Deploy/synapse/synapse.sh stop "$synapse_dir" >/dev/null' EXIT
fi

.venv/bin/python Benchmarks/encrypted_reply_time.py --homeserver "$url" --synapse-dir "$synapse_dir" \
  --bot .build/release/supportbot ${args[@]+"${args[@]}"}
