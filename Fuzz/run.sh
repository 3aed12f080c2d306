#!/usr/bin/env bash
# Fuzzes every MatrixCrypto decoder with libFuzzer for a bounded time (default 60 s), starting
# from the committed seed corpus Fuzz/Corpus. New inputs go to a scratch folder; a crash leaves
# its input as crash-* in the working directory: add it to Fuzz/Corpus and make it a unit test.
# Usage: Fuzz/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
swift build --build-path .build/fuzz --product MatrixCryptoFuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -gnone >&2
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
.build/fuzz/debug/MatrixCryptoFuzz "$scratch" Fuzz/Corpus -max_total_time="$seconds" -max_len=4096 -print_final_stats=1
