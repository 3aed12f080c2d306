#!/usr/bin/env bash
# Checks what Deploy/ ships for operators: the Prometheus alert rules (promtool check and unit
# tests), the Grafana dashboard, and the systemd unit (verify, and its hardening score).
#
#   bash Deploy/check.sh .build/debug/supportbot
#
# The argument is the built binary: `systemd-analyze verify` needs ExecStart's program to exist,
# so a copy of the unit pointing at it is verified. Installs Debian's `prometheus` package
# (which carries promtool) when promtool is missing. One line per check; exits 1 if any fails.
set -euo pipefail

# MARK: Arguments and tools

if [[ $# -ne 1 ]]; then
    echo "usage: bash Deploy/check.sh PATH-TO-SUPPORTBOT-BINARY" >&2
    exit 2
fi
binary=$(realpath -- "$1" 2>/dev/null || true)
if [[ -z "$binary" || ! -f "$binary" || ! -x "$binary" ]]; then
    echo "check.sh: '$1' is not an executable file; build it first (swift build)" >&2
    exit 2
fi

deploy=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
monitoring="$deploy/monitoring"
unit="$deploy/supportbot.service"
# The highest exposure `systemd-analyze security` may report, in tenths (4.0).
max_exposure=40

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

if ! command -v promtool >/dev/null 2>&1; then
    echo "promtool not found; installing Debian's prometheus package"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
for tool in promtool systemd-analyze python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "check.sh: $tool is missing" >&2
        exit 2
    fi
done

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

failures=0
# check NAME COMMAND...: runs COMMAND, prints "ok" or "FAIL" and, on failure, its output.
check() {
    local name=$1
    shift
    if "$@" >"$work/output" 2>&1; then
        printf 'ok    %s\n' "$name"
    else
        printf 'FAIL  %s\n' "$name"
        grep -v '^[[:space:]]*$' "$work/output" | head -n 25 | sed 's/^/      /' || true
        failures=$((failures + 1))
    fi
}

# MARK: Alert rules

check "promtool check rules (supportbot-alerts.yaml)" \
    promtool check rules "$monitoring/supportbot-alerts.yaml"
check "promtool test rules (supportbot-alerts.test.yaml)" \
    promtool test rules "$monitoring/supportbot-alerts.test.yaml"

# MARK: Dashboard

# Well-formed JSON, importable (the datasource is the DS_PROMETHEUS input), every panel has a
# query, and every query is PromQL that promtool accepts once Grafana's variables are filled in.
dashboard_check() {
    local status=0
    python3 - "$monitoring/supportbot-dashboard.json" "$work/dashboard-rules.yaml" <<'PYTHON' || status=$?
import json, sys

path, rules_path = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    dashboard = json.load(f)
problems = []
inputs = [i.get("name") for i in dashboard.get("__inputs", [])]
if "DS_PROMETHEUS" not in inputs:
    problems.append("no DS_PROMETHEUS in __inputs")
ids, exprs = set(), []

def panels(items):
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))

for panel in panels(dashboard.get("panels", [])):
    title = panel.get("title", "?")
    if panel.get("id") in ids:
        problems.append(f"panel id {panel.get('id')} used twice")
    ids.add(panel.get("id"))
    if panel.get("type") == "row":
        continue
    targets = [t for t in panel.get("targets", []) if t.get("expr", "").strip()]
    if not targets:
        problems.append(f"panel '{title}' has no query")
    for t in [panel] + panel.get("targets", []):
        if t.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
            problems.append(f"panel '{title}' does not use the ${{DS_PROMETHEUS}} datasource")
    exprs += [(title, t["expr"]) for t in targets]
for variable in dashboard.get("templating", {}).get("list", []):
    if variable.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
        problems.append(f"variable '{variable.get('name')}' does not use ${{DS_PROMETHEUS}}")

filled = {"$__rate_interval": "5m", "$__range": "1d", "$__interval": "1m", "$job": "supportbot", "$instance": ".*"}
with open(rules_path, "w", encoding="utf-8") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for n, (title, expr) in enumerate(exprs):
        for name, value in filled.items():
            expr = expr.replace(name, value)
        slug = "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_")
        out.write(f"      - record: dashboard:{slug}:{n}\n        expr: {json.dumps(expr)}\n")
for problem in problems:
    print(problem)
print(f"{len(ids)} panels, {len(exprs)} queries")
sys.exit(1 if problems else 0)
PYTHON
    [[ -s "$work/dashboard-rules.yaml" ]] || return 1
    promtool check rules "$work/dashboard-rules.yaml" || status=$?
    return "$status"
}
check "dashboard JSON (supportbot-dashboard.json): well-formed, every panel queried, PromQL valid" dashboard_check

# MARK: systemd unit

# `systemd-analyze verify` exits 0 on unknown keys and bad values, only warning: any line
# naming the unit fails the check.
verify_unit() {
    mkdir -p "$work/unit"
    sed "s#^ExecStart=/usr/local/bin/supportbot #ExecStart=$binary #" "$unit" >"$work/unit/supportbot.service"
    grep -q "^ExecStart=$binary " "$work/unit/supportbot.service" || { echo "ExecStart= not found in $unit"; return 1; }
    local status=0
    systemd-analyze verify "$work/unit/supportbot.service" >"$work/verify" 2>&1 || status=$?
    cat "$work/verify"
    [[ $status -eq 0 ]] && ! grep -q 'supportbot\.service' "$work/verify"
}
check "systemd-analyze verify (ExecStart=$binary)" verify_unit

check "systemd-analyze security --offline=yes --threshold=$max_exposure" \
    systemd-analyze security --offline=yes --threshold="$max_exposure" --no-pager "$unit"
exposure=$(grep -o 'exposure level for supportbot.service: [0-9.]*' "$work/output" | grep -o '[0-9.]*$' || true)
echo "      exposure ${exposure:-unknown} (at most $((max_exposure / 10)).$((max_exposure % 10)))"

if [[ $failures -gt 0 ]]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
