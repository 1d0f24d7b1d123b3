#!/usr/bin/env bash
# Does the latency the explorer shows agree with a raw load tool? Runs the explorer_checks
# bench against `permit-tui sandbox` while capturing the loopback packets, so each client's
# p50 can be set against the PDP's answer time on the wire (request packet to answer
# packet). A PDP answers faster or slower depending on how requests are paced, so two
# clients with different paces see different p50s; "shown minus wire" is what the client
# itself adds, and that is the part the explorer is answerable for.
#
# Needs wrk, tcpdump (capturing on loopback: root or CAP_NET_RAW) and python3.
#
#   scripts/latency-fidelity.sh        # writes target/latency-fidelity/report.md and prints it
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-17796}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
OUT=target/latency-fidelity

for tool in wrk tcpdump python3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done

cargo build --release --locked --bin permit-tui
bench=$(cargo bench --locked --bench explorer_checks --no-run 2>&1 |
  sed -n 's/.*Executable .*(\(.*explorer_checks-[^)]*\)).*/\1/p' | tail -1)
[ -x "$bench" ] || { echo "could not find the explorer_checks bench executable" >&2; exit 1; }
mkdir -p "$OUT"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap cleanup EXIT

"$TARGET_DIR/release/permit-tui" sandbox --bind "127.0.0.1:$PORT" >"$OUT/sandbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$PORT/healthy" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/healthy" >/dev/null || { echo "the sandbox did not come up; see $OUT/sandbox.log" >&2; exit 1; }

# Only segments carrying data (PSH): one per request and one per answer on loopback.
tcpdump -i lo -nn -tt -q --time-stamp-precision=micro \
  "tcp port $PORT and (tcp[tcpflags] & tcp-push != 0)" >"$OUT/packets.txt" 2>"$OUT/tcpdump.log" &
pids+=($!)
sleep 1

PDP_URL="http://127.0.0.1:$PORT" CHECKS=600 "$bench" --bench | tee "$OUT/bench.txt"
sleep 1
cleanup

python3 - "$OUT" "$PORT" <<'EOF'
import re, statistics, sys
out, port = sys.argv[1], sys.argv[2]

# Connections in the order they opened: the warm-up explorer run, then per round the
# explorer, wrk back to back and wrk with 1 ms pauses (health polls have few requests).
conns = {}
for line in open(f"{out}/packets.txt"):
    f = line.split()
    if len(f) < 6 or f[1] != "IP":
        continue
    ts, src, dst = float(f[0]), f[2], f[4].rstrip(":")
    if src.endswith("." + port):
        conns.setdefault(dst, []).append((ts, "answer"))
    else:
        conns.setdefault(src, []).append((ts, "request"))

def wire(packets):
    times, pending = [], None
    for ts, kind in packets:
        if kind == "request":
            pending = ts
        elif pending is not None:
            times.append(ts - pending)
            pending = None
    return times

flows = [wire(p) for p in sorted(conns.values(), key=lambda p: p[0][0])]
flows = [w for w in flows if len(w) >= 100][1:]

shown = []
for line in open(f"{out}/bench.txt"):
    m = re.match(r"round \d+: explorer p50 (\d+) µs; wrk back to back (\d+) µs .*pauses (\d+) µs", line)
    if m:
        shown.append([float(x) for x in m.groups()])
if not shown or len(flows) < 3 * len(shown):
    sys.exit(f"found {len(flows)} connections for {len(shown)} rounds: no comparison (see {out})")

names = ["explorer", "wrk back to back", "wrk with 1 ms pauses"]
rows, added = [], {n: [] for n in names}
for r, p50s in enumerate(shown):
    for k, name in enumerate(names):
        w = statistics.median(flows[3 * r + k]) * 1e6
        added[name].append(p50s[k] - w)
        rows.append(f"| {r + 1} | {name} | {p50s[k]:.0f} | {w:.0f} | {p50s[k] - w:.0f} |")
report = ["| round | client | p50 shown (µs) | p50 on the wire (µs) | added by the client (µs) |",
          "| ---: | --- | ---: | ---: | ---: |"] + rows + [""]
for name in names:
    report.append(f"- {name}: adds {statistics.median(added[name]):.0f} µs to the wire time (median over rounds)")
# What wrk would show for the explorer's own requests: their wire time plus what wrk adds.
mine = statistics.median(added["explorer"])
for name in names[1:]:
    theirs = statistics.median(added[name])
    ratios = sorted(
        shown[r][0] / (shown[r][0] - added["explorer"][r] + added[name][r]) for r in range(len(shown))
    )
    report.append(
        f"- explorer minus {name}: {mine - theirs:+.0f} µs; explorer p50 / (its wire p50 + what "
        f"{name} adds), median over rounds {ratios[len(ratios) // 2]:.3f} "
        f"(min {ratios[0]:.3f}, max {ratios[-1]:.3f})"
    )
open(f"{out}/report.md", "w").write("\n".join(report) + "\n")
print("\n".join(report))
EOF
