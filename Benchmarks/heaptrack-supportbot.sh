#!/usr/bin/env bash
# Runs the release supportbot under heaptrack (Debian's heaptrack package), for
#   .build/release/bot-benchmark demo --patients 10000 --rate 1000 --bot ./heaptrack-supportbot.sh
# then: heaptrack_print -f /tmp/supportbot-heaptrack/supportbot-COMMAND-PID.zst (peak and leaked memory by
# call site); each process (the relay and the bot, with the relay target) has a file of its own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p /tmp/supportbot-heaptrack
exec heaptrack -o "/tmp/supportbot-heaptrack/supportbot-$1-$$" "$here/../.build/release/supportbot" "$@"
