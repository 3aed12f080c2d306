#!/usr/bin/env bash
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
VENV="$REPO_ROOT/.venv"
PY="$VENV/bin/python"
log() { printf '%s\n' "$*" >&2; }
synapse_installed() { [ -x "$PY" ] && "$PY" -m synapse.app.homeserver --help >/dev/null 2>&1; }
cmd_install() {
  [ -x "$PY" ] || { log "Creating $VENV"; python3 -m venv "$VENV"; }
  synapse_installed && return 0
  log "Installing matrix-synapse into $VENV (takes a minute or two)..."
  "$PY" -m pip install --quiet matrix-synapse
  synapse_installed || { log "error: synapse still not importable"; exit 1; }
}
cmd_install
