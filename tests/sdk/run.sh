#!/usr/bin/env bash
# SDK wire compatibility: runs the official Python SDK (`permit`, PyPI) and Node SDK
# (`permitio`, npm) scenarios against a live `BINARY sandbox` on a free loopback port.
#
#   tests/sdk/run.sh target/debug/permit-tui
#
# Creates (or reuses) a virtualenv at target/sdk-venv (override with SDK_VENV) and installs
# `permitio` into tests/sdk/node. Prints one line per case and a closing "N passed, M failed";
# exits non-zero on any mismatch, a scenario that did not finish, or a server that did not start.
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 PATH/TO/permit-tui" >&2
  exit 2
fi
BINARY=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VENV=${SDK_VENV:-$ROOT/target/sdk-venv}

if [ ! -x "$BINARY" ]; then
  echo "error: $BINARY is not an executable (build it first: cargo build)" >&2
  exit 2
fi

# Python SDK.
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || { echo "error: cannot create a virtualenv at $VENV" >&2; exit 2; }
fi
if ! "$VENV/bin/python" -c "import permit" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check permit || { echo "error: pip install permit failed" >&2; exit 2; }
fi

# Node SDK.
if [ ! -d "$HERE/node/node_modules/permitio" ]; then
  (cd "$HERE/node" && npm install --silent --no-audit --no-fund) || { echo "error: npm install permitio failed" >&2; exit 2; }
fi

PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$PORT"
LOG=$(mktemp)
"$BINARY" sandbox --bind "127.0.0.1:$PORT" >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null
  wait "$SERVER" 2>/dev/null
  rm -f "$LOG"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('$URL/healthy', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "error: the sandbox exited at start:" >&2
    cat "$LOG" >&2
    exit 2
  fi
  sleep 0.1
done

OUT=$(mktemp)
"$VENV/bin/python" "$HERE/python_scenario.py" "$URL" 2>&1 | tee -a "$OUT"
PY=${PIPESTATUS[0]}
node "$HERE/node_scenario.mjs" "$URL" 2>&1 | grep -v '^{"level"' | tee -a "$OUT"
NODE=${PIPESTATUS[0]}

PASSED=$(grep -c '^PASS ' "$OUT")
FAILED=$(grep -c '^FAIL ' "$OUT")
rm -f "$OUT"
# A scenario that crashed before its summary counts as a failure even if no case failed.
if [ "$PY" -ne 0 ] && [ "$FAILED" -eq 0 ]; then FAILED=$((FAILED + 1)); echo "FAIL python scenario exited with $PY"; fi
if [ "$NODE" -ne 0 ] && [ "$FAILED" -eq 0 ]; then FAILED=$((FAILED + 1)); echo "FAIL node scenario exited with $NODE"; fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
