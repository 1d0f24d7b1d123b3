#!/usr/bin/env bash
# Loopback load on `permit-tui sandbox` with wrk: requests per second and p50/p99 of /allowed.
#
# Two layouts, each run ROUNDS times per concurrency, alternating so drift hits both alike:
#   pinned:   the sandbox on CPU 1 with one runtime worker, wrk on CPU 0 (each side owns a
#             core; what "2 cores" means when the load tool runs on the same machine);
#   shared:   the sandbox with its default workers (one per core), wrk unpinned.
# Writes a markdown table to target/sandbox-load/report.md and prints it.
#
#   scripts/sandbox-load.sh                     # defaults below
#   ROUNDS=3 DURATION=8 CONNS="4 8 16" SCRIPT=benches/wrk/mixed.lua scripts/sandbox-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
CONNS=${CONNS:-"1 4 8 16 32"}
SCRIPT=${SCRIPT:-benches/wrk/allowed.lua}
PORT=${PORT:-17795}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
OUT=target/sandbox-load

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v taskset >/dev/null || { echo "taskset is not installed (util-linux)" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 CPUs" >&2; exit 2; }

cargo build --release --locked --bin permit-tui
BIN="$TARGET_DIR/release/permit-tui"
mkdir -p "$OUT"

server=""
stop() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  server=""
}
trap stop EXIT

start() { # layout
  stop
  if [ "$1" = pinned ]; then
    TOKIO_WORKER_THREADS=1 taskset -c 1 "$BIN" sandbox --bind "127.0.0.1:$PORT" >"$OUT/sandbox.log" 2>&1 &
  else
    "$BIN" sandbox --bind "127.0.0.1:$PORT" >"$OUT/sandbox.log" 2>&1 &
  fi
  server=$!
  wait_healthy "http://127.0.0.1:$PORT" "$OUT/sandbox.log"
}

# wrk's latency figures in ms, e.g. "152.00us" -> 0.152
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print substr(v, 1, length(v)-2) / 1000;
  else if (v ~ /ms$/) print substr(v, 1, length(v)-2) + 0; else print substr(v, 1, length(v)-1) * 1000 }'; }

{
  echo "Measured $(date -u +%FT%TZ), load average before: $(cut -d' ' -f1-3 /proc/loadavg), script $SCRIPT, ${DURATION}s per run"
  echo
  echo "| layout | wrk | round | req/s | p50 ms | p99 ms | errors |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
} >"$OUT/report.md"

for round in $(seq "$ROUNDS"); do
  for layout in pinned shared; do
    start "$layout"
    for c in $CONNS; do
      if [ "$layout" = pinned ]; then
        threads=1; run=(taskset -c 0 wrk)
      else
        threads=$(( c >= 2 ? 2 : 1 )); run=(wrk)
      fi
      log="$OUT/$layout-c$c-r$round.txt"
      "${run[@]}" -t"$threads" -c"$c" -d"${DURATION}s" --latency -s "$SCRIPT" \
        "http://127.0.0.1:$PORT/allowed" >"$log"
      rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$log")
      p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$log")")
      p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$log")")
      errors=$(grep -E "Non-2xx|Socket errors" "$log" | tr -s ' ' | paste -sd ';' - || true)
      echo "| $layout | -t$threads -c$c | $round | $rps | $p50 | $p99 | ${errors:-none} |" >>"$OUT/report.md"
    done
  done
done
stop
cat "$OUT/report.md"
