#!/usr/bin/env bash
# Does the latency the explorer shows agree with a raw load tool? Runs the explorer_checks
# bench while capturing the loopback packets, three times: against the explorer's own
# embedded sandbox (in its process, on a thread of its own), against `permit-tui sandbox` in
# another process, and against that one again at a person's fast pace (10 ms between
# checks, for the explorer and wrk alike). Each client's p50 is set against the PDP's answer
# time on the wire (request packet to answer packet). A PDP answers faster or slower with
# the pace of its requests, and a load tool's own timing moves with its pace too, so "shown
# minus wire" is what a client itself adds: the part the explorer is answerable for.
#
# Needs wrk, python3 and tcpdump with the right to capture on loopback: run it as root, or
# give tcpdump that right once (setcap cap_net_raw,cap_net_admin+eip "$(command -v tcpdump)")
# and run it as yourself, so that target/ does not end up owned by root.
#
#   scripts/latency-fidelity.sh     # writes target/latency-fidelity/report.md and prints it
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

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
capturing=""
cleanup() {
  [ -n "$capturing" ] && kill -INT "$capturing" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap cleanup EXIT

"$TARGET_DIR/release/permit-tui" sandbox --bind "127.0.0.1:$PORT" >"$OUT/sandbox.log" 2>&1 &
pids+=($!)
wait_healthy "http://127.0.0.1:$PORT" "$OUT/sandbox.log"

# Only segments carrying data (PSH): one per request and one per answer on loopback. The
# embedded sandbox's port is known only once the bench prints it, so capture every port.
capture() { # name
  tcpdump -i lo -nn -tt -q --time-stamp-precision=micro \
    "tcp and (tcp[tcpflags] & tcp-push != 0)" >"$OUT/$1.packets" 2>"$OUT/tcpdump.log" &
  capturing=$!
  sleep 1
  kill -0 "$capturing" 2>/dev/null || { echo "tcpdump could not capture; see $OUT/tcpdump.log" >&2; exit 1; }
}
stop_capture() {
  sleep 1
  kill -INT "$capturing" 2>/dev/null || true
  wait "$capturing" 2>/dev/null || true
  capturing=""
}

capture embedded
CHECKS=600 "$bench" --bench | tee "$OUT/embedded.bench"
stop_capture
capture external
PDP_URL="http://127.0.0.1:$PORT" CHECKS=600 "$bench" --bench | tee "$OUT/external.bench"
stop_capture
# A person's fast pace: the explorer and the paced wrk both wait 10 ms between checks.
capture paced
PDP_URL="http://127.0.0.1:$PORT" PAUSE_MS=10 CHECKS=300 "$bench" --bench | tee "$OUT/paced.bench"
stop_capture
cleanup

python3 - "$OUT" <<'EOF'
import re, statistics, sys
out = sys.argv[1]


def flows(layout, port):
    """Wire times per connection to `port`, in the order the connections opened: the
    warm-up explorer run, then per round the explorer, wrk back to back and paced wrk
    (health polls and other traffic have too few requests to count)."""
    conns = {}
    for line in open(f"{out}/{layout}.packets"):
        f = line.split()
        if len(f) < 6 or f[1] != "IP":
            continue
        ts, src, dst = float(f[0]), f[2], f[4].rstrip(":")
        if src.endswith("." + port):
            conns.setdefault(dst, []).append((ts, "answer"))
        elif dst.endswith("." + port):
            conns.setdefault(src, []).append((ts, "request"))
    result = []
    for packets in sorted(conns.values(), key=lambda p: p[0][0]):
        times, pending = [], None
        for ts, kind in packets:
            if kind == "request":
                pending = ts
            elif pending is not None:
                times.append(ts - pending)
                pending = None
        if len(times) >= 100:
            result.append(times)
    return result[1:]


report = []
for layout, title in [("embedded", "the explorer's embedded sandbox"),
                      ("external", "`permit-tui sandbox` in another process"),
                      ("paced", "`permit-tui sandbox`, the explorer waiting 10 ms before each check")]:
    text = open(f"{out}/{layout}.bench").read()
    pdp, paced = re.search(r"PDP: http://[^:]+:(\d+)", text), re.search(r"wrk (with \d+ ms pauses)", text)
    if not pdp or not paced:
        sys.exit(f"{layout}: the bench printed no PDP or no paired rounds (is wrk installed?); see {out}/{layout}.bench")
    port, names = pdp.group(1), ["explorer", "wrk back to back", "wrk " + paced.group(1)]
    shown = [[float(x) for x in m] for m in re.findall(
        r"round \d+: explorer p50 (\d+) µs; wrk back to back (\d+) µs .*pauses (\d+) µs", text)]
    wires = flows(layout, port)
    if not shown or len(wires) < 3 * len(shown):
        sys.exit(f"{layout}: {len(wires)} connections for {len(shown)} rounds: no comparison (see {out})")
    report += [f"### Against {title}", "",
               "| round | client | p50 shown (µs) | p50 on the wire (µs) | added by the client (µs) |",
               "| ---: | --- | ---: | ---: | ---: |"]
    added = {n: [] for n in names}
    for r, p50s in enumerate(shown):
        for k, name in enumerate(names):
            w = statistics.median(wires[3 * r + k]) * 1e6
            added[name].append(p50s[k] - w)
            report.append(f"| {r + 1} | {name} | {p50s[k]:.0f} | {w:.0f} | {p50s[k] - w:.0f} |")
    report.append("")
    for name in names:
        report.append(f"- {name} adds {statistics.median(added[name]):.0f} µs to the wire time (median over rounds)")
    # What wrk would show for the explorer's own requests: their wire time plus what wrk adds.
    for k, name in enumerate(names[1:], start=1):
        raw = sorted(p[0] / p[k] for p in shown)
        fair = sorted(p[0] / (p[0] - added["explorer"][r] + added[name][r]) for r, p in enumerate(shown))
        report.append(
            f"- explorer p50 / {name} p50: median {raw[len(raw) // 2]:.3f} ({raw[0]:.3f}–{raw[-1]:.3f}); "
            f"explorer p50 / (its own wire p50 + what {name} adds): median {fair[len(fair) // 2]:.3f} "
            f"({fair[0]:.3f}–{fair[-1]:.3f})")
    report.append("")
open(f"{out}/report.md", "w").write("\n".join(report))
print("\n".join(report))
EOF
