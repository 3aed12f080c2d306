#!/usr/bin/env bash
# A real Synapse homeserver on loopback for SupportBot's tests and for local development.
#
#   synapse.sh install                              Synapse into <repo>/.venv (once)
#   synapse.sh start [DIR]                          start it; prints the base URL
#   synapse.sh stop [DIR]                           stop it (fine when not running)
#   synapse.sh register USER PASSWORD [--admin] [DIR]
#                                                   make sure USER exists; prints an access token
#
# DIR holds everything the server keeps (config, SQLite database, media, signing key, logs);
# it defaults to <repo>/.build-synapse. The port comes from $SYNAPSE_PORT (default 18008).
# Only results go to standard output (the URL, the token); progress and errors go to standard
# error, so `token=$(synapse.sh register alice secret)` works. See README.md beside this file.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
VENV="$REPO_ROOT/.venv"
PY="$VENV/bin/python"
DEFAULT_DIR="$REPO_ROOT/.build-synapse"
DEFAULT_PORT=18008
START_TIMEOUT="${SYNAPSE_START_TIMEOUT:-120}" # seconds to wait for /versions to answer
STOP_TIMEOUT=30                               # seconds between SIGTERM and SIGKILL

log() { printf '%s\n' "$*" >&2; }
die() { printf 'synapse.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'USAGE'
usage: synapse.sh install
       synapse.sh start [DIR]
       synapse.sh stop [DIR]
       synapse.sh register USER PASSWORD [--admin] [DIR]

DIR defaults to <repo>/.build-synapse; the port is $SYNAPSE_PORT (default 18008).
USAGE
}

# ---------------------------------------------------------------------------------------------
# Helpers

# Serialises concurrent runs with an exclusive flock on FILE, held on file descriptor FD (8 or
# 9) until it is closed or the script exits. FILE is opened read-only when it exists (this
# script locks itself), else created. Without flock(1) (util-linux; not on macOS) runs are
# simply not serialised.
take_lock() { # take_lock FD FILE
  command -v flock >/dev/null 2>&1 || return 0
  if [ -e "$2" ]; then eval "exec $1<\"\$2\""; else eval "exec $1>\"\$2\""; fi
  flock -w 300 "$1" || die "timed out waiting for the lock on $2"
}

# Resolves DIR to an absolute path, creating it when asked to (start) and not otherwise.
resolve_dir() { # resolve_dir DIR create|existing
  if [ "$2" = create ]; then mkdir -p "$1"; fi
  [ -d "$1" ] || return 1
  (cd "$1" && pwd)
}

# True when process $1 exists and is not a zombie (a zombie still answers kill -0).
process_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [ "${stat:0:1}" != Z ] || return 1
  fi
}

# Prints the PID of the Synapse serving $1 (a data directory), or fails. The PID file alone is
# not trusted: the process must be alive and be Synapse running that directory's config.
server_pid() {
  local dir="$1" pid cmdline
  [ -f "$dir/homeserver.pid" ] || return 1
  pid="$(cat "$dir/homeserver.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  process_alive "$pid" || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  else
    cmdline="$(ps -o args= -p "$pid" 2>/dev/null)" || return 1
  fi
  [[ "$cmdline" == *synapse.app.homeserver*"$dir/homeserver.yaml"* ]] || return 1
  printf '%s\n' "$pid"
}

# True when GET $1/_matrix/client/versions answers 200. Proxies are bypassed: the server is on
# loopback, and an http_proxy in the environment must not intercept it.
versions_ok() {
  "$PY" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(sys.argv[1] + "/_matrix/client/versions", timeout=2) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

# Shows the end of the server's logs, for failures.
show_log_tail() {
  local dir="$1" file
  for file in "$dir/console.log" "$dir/homeserver.log"; do
    [ -s "$file" ] || continue
    log "---- last lines of $file ----"
    tail -n 30 "$file" >&2
  done
  log "----"
}

# Renders a template (homeserver.template.yaml, log.template.yaml) into the data directory,
# filling in @DIR@ and @PORT@. DIR goes inside double-quoted YAML strings, so backslashes and
# quotes are escaped. The file is replaced only when its content changes.
render() { # render TEMPLATE OUTPUT DIR PORT
  "$PY" - "$@" <<'PY'
import os, sys
template, output, data_dir, port = sys.argv[1:]
escaped = data_dir.replace("\\", "\\\\").replace('"', '\\"')
with open(template, encoding="utf-8") as f:
    text = f.read().replace("@DIR@", escaped).replace("@PORT@", port)
try:
    with open(output, encoding="utf-8") as f:
        if f.read() == text:
            sys.exit(0)
except FileNotFoundError:
    pass
with open(output + ".tmp", "w", encoding="utf-8") as f:
    f.write(text)
os.replace(output + ".tmp", output)
PY
}

# ---------------------------------------------------------------------------------------------
# install: a virtual environment at <repo>/.venv (kept if it exists: it holds other tools too)
# with matrix-synapse in it. Silent when there is nothing to do.

synapse_installed() {
  [ -x "$PY" ] && "$PY" -m synapse.app.homeserver --help >/dev/null 2>&1
}

cmd_install() {
  # Lock on this script itself, so that parallel first runs do not install twice at once.
  take_lock 8 "${BASH_SOURCE[0]}"
  if [ ! -x "$PY" ]; then
    log "Creating the Python virtual environment $VENV"
    python3 -m venv "$VENV"
  fi
  if ! synapse_installed; then
    log "Installing matrix-synapse into $VENV (a minute or so)..."
    "$PY" -m pip install --quiet matrix-synapse
    synapse_installed ||
      die "matrix-synapse was installed but '$PY -m synapse.app.homeserver' does not run"
  fi
  exec 8>&- # release the install lock
}

# ---------------------------------------------------------------------------------------------
# start [DIR]: configure (config files, registration secret, signing key) and start Synapse in
# the background, wait until it answers, print its base URL.

# Waits until the server with PID $2 answers on $3; on failure shows the logs and exits.
wait_until_ready() { # wait_until_ready DIR PID URL
  local dir="$1" pid="$2" url="$3" deadline=$((SECONDS + START_TIMEOUT))
  until versions_ok "$url"; do
    if ! process_alive "$pid"; then
      rm -f "$dir/homeserver.pid"
      log "synapse.sh: error: Synapse (pid $pid) exited during start-up."
      show_log_tail "$dir"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "synapse.sh: error: Synapse (pid $pid) did not answer $url/_matrix/client/versions" \
        "within ${START_TIMEOUT}s; stopping it."
      show_log_tail "$dir"
      stop_pid "$dir" "$pid"
      exit 1
    fi
    sleep 0.5
  done
}

cmd_start() {
  local dir port url pid
  cmd_install
  dir="$(resolve_dir "$1" create)"
  take_lock 9 "$dir/.lock"

  [[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] ||
    die "SYNAPSE_START_TIMEOUT must be a number of seconds, not '$START_TIMEOUT'"
  port="${SYNAPSE_PORT:-$DEFAULT_PORT}"
  if ! [[ "$port" =~ ^[1-9][0-9]{0,4}$ ]] || ((port > 65535)); then
    die "SYNAPSE_PORT must be a port number, not '$port'"
  fi
  url="http://127.0.0.1:$port"

  # Already running: wait for it to answer (it may still be starting) and report its URL.
  if pid="$(server_pid "$dir")"; then
    local running_url
    running_url="$(cat "$dir/base_url" 2>/dev/null || printf '%s' "$url")"
    if [ "$running_url" != "$url" ] && [ -n "${SYNAPSE_PORT:-}" ]; then
      log "Note: Synapse in $dir is already running at $running_url, not on port $port;" \
        "stop it first to change the port."
    fi
    wait_until_ready "$dir" "$pid" "$running_url"
    printf '%s\n' "$running_url"
    return 0
  fi
  rm -f "$dir/homeserver.pid"

  # Something else on the port would make the readiness check lie.
  if versions_ok "$url"; then
    die "another Matrix server already answers on $url (not the one in $dir);" \
      "stop it or choose another port with SYNAPSE_PORT"
  fi

  # Configuration: rendered from the templates each start, so template changes apply to
  # existing data directories. Secrets and keys are made once and kept.
  render "$SCRIPT_DIR/homeserver.template.yaml" "$dir/homeserver.yaml" "$dir" "$port"
  render "$SCRIPT_DIR/log.template.yaml" "$dir/log.config" "$dir" "$port"
  mkdir -p "$dir/media_store"
  if [ ! -s "$dir/registration_shared_secret" ]; then
    (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))' \
      >"$dir/registration_shared_secret")
  fi
  local config_args=(-c "$dir/homeserver.yaml")
  if [ -f "$dir/homeserver.local.yaml" ]; then
    config_args+=(-c "$dir/homeserver.local.yaml")
  fi
  if [ ! -s "$dir/localhost.signing.key" ]; then
    log "Generating the signing key in $dir"
    "$PY" -m synapse.app.homeserver "${config_args[@]}" --generate-keys \
      >>"$dir/console.log" 2>&1 || {
      log "synapse.sh: error: Synapse rejected its configuration."
      show_log_tail "$dir"
      exit 1
    }
  fi

  # Start in the background, detached from this shell: own session (setsid, where available)
  # so Ctrl-C in the terminal or a test runner's process-group kill does not reach it; output
  # to console.log; the lock descriptors closed so the server does not hold them.
  log "Starting Synapse in $dir on $url"
  printf '\n==== %s: synapse.sh start\n' "$(date '+%Y-%m-%d %H:%M:%S')" >>"$dir/console.log"
  # Every other descriptor this script inherited (a test runner's pipes, the socket by which
  # Foundation's Process notices its child exit) is closed too: a server holding one would keep
  # whoever started this script waiting for it long after it returned.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd="${fd##*/}"
      if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    if command -v setsid >/dev/null 2>&1; then
      exec setsid "$PY" -m synapse.app.homeserver "${config_args[@]}" </dev/null >>"$dir/console.log" 2>&1
    else
      exec nohup "$PY" -m synapse.app.homeserver "${config_args[@]}" </dev/null >>"$dir/console.log" 2>&1
    fi
  ) &
  pid=$!
  printf '%s\n' "$pid" >"$dir/homeserver.pid"
  printf '%s\n' "$url" >"$dir/base_url"

  wait_until_ready "$dir" "$pid" "$url"
  log "Synapse is up (pid $pid); log: $dir/homeserver.log"
  printf '%s\n' "$url"
}

# ---------------------------------------------------------------------------------------------
# stop [DIR]: SIGTERM, up to STOP_TIMEOUT seconds for a clean exit, then SIGKILL.

stop_pid() { # stop_pid DIR PID
  local dir="$1" pid="$2" deadline=$((SECONDS + STOP_TIMEOUT))
  kill -TERM "$pid" 2>/dev/null || true
  while process_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if process_alive "$pid"; then
    log "Synapse (pid $pid) did not exit within ${STOP_TIMEOUT}s; killing it."
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while process_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    process_alive "$pid" && die "could not kill Synapse (pid $pid)"
  fi
  rm -f "$dir/homeserver.pid"
}

cmd_stop() {
  local dir pid
  if ! dir="$(resolve_dir "$1" existing)"; then
    log "Synapse is not running (no $1)."
    return 0
  fi
  take_lock 9 "$dir/.lock"
  if ! pid="$(server_pid "$dir")"; then
    rm -f "$dir/homeserver.pid"
    log "Synapse is not running in $dir."
    return 0
  fi
  log "Stopping Synapse (pid $pid) in $dir"
  stop_pid "$dir" "$pid"
  log "Stopped."
}

# ---------------------------------------------------------------------------------------------
# register USER PASSWORD [--admin] [DIR]: create the user with the shared-secret admin API
# (an existing user counts as success), then log in with the password and print the token.

cmd_register() {
  local user="" password="" admin=false dir="" positional=()
  while (($#)); do
    case "$1" in
      --admin) admin=true ;;
      -*) die "unknown option '$1' for register" ;;
      *) positional+=("$1") ;;
    esac
    shift
  done
  ((${#positional[@]} >= 2 && ${#positional[@]} <= 3)) || { usage >&2; exit 2; }
  user="${positional[0]}"
  password="${positional[1]}"
  dir="${positional[2]:-$DEFAULT_DIR}"

  [ -x "$PY" ] || die "Synapse is not installed; run: $0 start"
  local data_dir
  if ! data_dir="$(resolve_dir "$dir" existing)" || ! server_pid "$data_dir" >/dev/null; then
    die "Synapse is not running in $dir; run: $0 start${positional[2]:+ $dir}"
  fi

  # The HMAC: SHA-1 keyed with the shared secret over nonce, user, password and
  # "admin"/"notadmin", separated by NUL bytes (Synapse's shared-secret registration).
  "$PY" - "$(cat "$data_dir/base_url")" "$user" "$password" "$admin" \
    "$data_dir/registration_shared_secret" <<'PY'
import hashlib, hmac, json, sys, urllib.error, urllib.request

base_url, user, password, admin, secret_path = sys.argv[1:]
admin = admin == "true"
# Accept "@alice:localhost" as well as "alice".
if user.startswith("@"):
    user = user[1:].split(":", 1)[0]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def call(method, path, body=None):
    """Returns (HTTP status, JSON body) of a request to the homeserver."""
    request = urllib.request.Request(
        base_url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.load(error)
        except ValueError:
            return error.code, {"error": error.reason}
    except (urllib.error.URLError, OSError) as error:
        sys.exit(f"synapse.sh: error: {base_url} did not answer: {error}")

def fail(what, status, body):
    sys.exit(f"synapse.sh: error: {what} failed: HTTP {status} "
             f"{body.get('errcode', '')} {body.get('error', '')}".rstrip())

with open(secret_path, encoding="utf-8") as f:
    secret = f.read().strip().encode()

status, body = call("GET", "/_synapse/admin/v1/register")
if status != 200:
    fail("getting a registration nonce", status, body)
nonce = body["nonce"]
mac = hmac.new(secret, digestmod=hashlib.sha1)
mac.update(b"\x00".join(part.encode() for part in
                        (nonce, user, password, "admin" if admin else "notadmin")))
status, body = call("POST", "/_synapse/admin/v1/register", {
    "nonce": nonce, "username": user, "password": password, "admin": admin,
    "mac": mac.hexdigest(),
})
if status == 200:
    print(f"Registered {body['user_id']}{' (admin)' if admin else ''}.", file=sys.stderr)
elif body.get("errcode") == "M_USER_IN_USE":
    note = " (its admin flag is left as it was)" if admin else ""
    print(f"User {user} already exists{note}.", file=sys.stderr)
else:
    fail(f"registering {user}", status, body)

status, body = call("POST", "/_matrix/client/v3/login", {
    "type": "m.login.password",
    "identifier": {"type": "m.id.user", "user": user},
    "password": password,
    "initial_device_display_name": "synapse.sh register",
})
if status != 200:
    fail(f"logging in as {user} (an existing user with another password?)", status, body)
print(body["access_token"])
PY
}

# ---------------------------------------------------------------------------------------------

main() {
  local command="${1:-}"
  (($#)) && shift
  case "$command" in
    install)
      (($# == 0)) || { usage >&2; exit 2; }
      cmd_install
      ;;
    start)
      (($# <= 1)) || { usage >&2; exit 2; }
      cmd_start "${1:-$DEFAULT_DIR}"
      ;;
    stop)
      (($# <= 1)) || { usage >&2; exit 2; }
      cmd_stop "${1:-$DEFAULT_DIR}"
      ;;
    register) cmd_register "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
