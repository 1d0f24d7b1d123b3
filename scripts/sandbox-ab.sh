#!/usr/bin/env bash
# Two sandbox binaries side by side under the same load, alternating runs, so a noisy shared
# machine affects both alike: `permit-tui bench` (from binary B) against each, ROUNDS times.
# Usage: scripts/sandbox-ab.sh OLD_BINARY NEW_BINARY   (env: ROUNDS=3 DURATION=5 CONC="1 4 16")
# Prints one line per run: label, concurrency, req/s, p50 ms, p99 ms, errors.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

OLD="$1"
NEW="$2"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5}"
CONC="${CONC:-1 4 16}"
KEY="permit_key_sandbox_dev"
OUT="target/sandbox-ab"
mkdir -p "$OUT"

"$OLD" sandbox --bind 127.0.0.1:17781 >"$OUT/old.log" 2>&1 &
OLD_PID=$!
"$NEW" sandbox --bind 127.0.0.1:17782 >"$OUT/new.log" 2>&1 &
NEW_PID=$!
trap 'kill "$OLD_PID" "$NEW_PID" 2>/dev/null || true' EXIT
wait_healthy "http://127.0.0.1:17781" "$OUT/old.log"
wait_healthy "http://127.0.0.1:17782" "$OUT/new.log"

for round in $(seq "$ROUNDS"); do
  for c in $CONC; do
    for side in old:17781 new:17782; do
      label="${side%%:*}"
      port="${side##*:}"
      "$NEW" bench --pdp "http://127.0.0.1:${port}" --api-key "$KEY" -d "${DURATION}s" -c "$c" \
        -u alice -a read -r document:doc-1 -t acme --json >"$OUT/${label}-c${c}-r${round}.json" || true
      python3 - "$label" "$c" "$OUT/${label}-c${c}-r${round}.json" <<'PY'
import json, sys
label, c, path = sys.argv[1:]
s = json.load(open(path))
lat = s.get("latency_ms", {})
print(f"{label:4} c={c:>3}  {s.get('requests_per_second', 0):9.0f} req/s  p50 {lat.get('p50') or 0:6.3f} ms  p99 {lat.get('p99') or 0:6.3f} ms  errors {s.get('errors')}")
PY
    done
  done
done
