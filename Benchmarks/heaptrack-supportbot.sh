#!/usr/bin/env bash
# Runs the release supportbot under heaptrack (Debian's heaptrack package), for
#   .build/release/bot-benchmark demo --patients 10000 --rate 1000 --bot ./heaptrack-supportbot.sh
# then: heaptrack_print -f /tmp/supportbot-heaptrack/*.zst (peak and leaked memory by call site).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p /tmp/supportbot-heaptrack
exec heaptrack -o /tmp/supportbot-heaptrack/supportbot "$here/../.build/release/supportbot" "$@"
