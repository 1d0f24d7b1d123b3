#!/usr/bin/env bash
# Load probe and client fidelity, side by side in one run on this machine (loopback only,
# every run bounded):
#   1. `permit-tui bench` vs `wrk` on the same /allowed query, same concurrency and duration;
#   2. the sandbox's throughput and p99 under more connections (wrk);
#   3. warm check latency: permit-tui (keep-alive client) vs curl per call vs the official
#      Python SDK's `permit.check`.
# Usage: scripts/bench-compare.sh            (env: DURATION=10 CONC=4 SAMPLES=300 PORT=17766)
# Needs: cargo, wrk (apt-get install -y wrk), curl, python3 (a venv with `permit` is made
# under target/bench-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

DURATION="${DURATION:-10}"
CONC="${CONC:-4}"
SAMPLES="${SAMPLES:-300}"
PORT="${PORT:-17766}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="target/bench-compare"
VENV="target/bench-venv"
URL="http://127.0.0.1:${PORT}"
KEY="permit_key_sandbox_dev"
BODY='{"user":{"key":"alice"},"action":"read","resource":{"type":"document","key":"doc-1","tenant":"acme"}}'
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q permit
fi

echo "building release…" >&2
cargo build --release --quiet
BIN="$TARGET_DIR/release/permit-tui"

"$BIN" sandbox --bind "127.0.0.1:${PORT}" >"$OUT/sandbox.log" 2>&1 &
SANDBOX_PID=$!
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT
wait_healthy "$URL" "$OUT/sandbox.log"

cat >"$OUT/allowed.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cache-Control"] = "no-cache"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA

# The query must be allowed, or both tools would be measuring an error path.
curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $KEY" \
  -d "$BODY" "$URL/allowed" | grep -q '"allow":true' || { echo "demo query not allowed" >&2; exit 2; }

run_probe() {  # $1 = connections, $2 = file
  "$BIN" bench -d "${DURATION}s" -c "$1" --json --pdp "$URL" --api-key "$KEY" \
    -u alice -a read -r document:doc-1 -t acme >"$OUT/$2"
}
run_wrk() {    # $1 = connections, $2 = file
  local threads=$(( $1 < 2 ? $1 : 2 ))
  wrk -t "$threads" -c "$1" -d "${DURATION}s" --latency -s "$OUT/allowed.lua" "$URL/allowed" >"$OUT/$2"
}

uptime >"$OUT/load-before.txt"
for c in 1 "$CONC"; do
  echo "1/3 load: permit-tui bench vs wrk, -c $c, ${DURATION}s each, two rounds alternating…" >&2
  run_probe "$c" "probe-c$c-1.json"; run_wrk "$c" "wrk-c$c-1.txt"
  run_wrk "$c" "wrk-c$c-2.txt"; run_probe "$c" "probe-c$c-2.json"
done

echo "2/3 sandbox throughput: wrk -c 32…" >&2
run_wrk 32 wrk-c32.txt

echo "3/3 warm check latency, $SAMPLES sequential calls each…" >&2
"$BIN" bench -n "$SAMPLES" -c 1 --json --pdp "$URL" --api-key "$KEY" \
  -u alice -a read -r document:doc-1 -t acme >"$OUT/warm-permit-tui.json"

"$VENV/bin/python" - "$URL" "$KEY" "$BODY" "$SAMPLES" "$OUT" <<'PY'
import asyncio, json, subprocess, sys, time
url, key, body, samples, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

# curl: a new process and a new connection per call, as in a shell script.
curl_total, curl_wall = [], []
cmd = ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", "-X", "POST",
       "-H", "Content-Type: application/json", "-H", f"Authorization: Bearer {key}",
       "-d", body, f"{url}/allowed"]
for _ in range(samples):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    curl_wall.append(time.perf_counter() - t0)
    curl_total.append(float(r.stdout))

# The official SDK: `await permit.check(...)` in one long-lived process.
from permit import Permit
import importlib.metadata as md
async def sdk():
    permit = Permit(token=key, pdp=url)
    resource = {"type": "document", "key": "doc-1", "tenant": "acme"}
    assert await permit.check("alice", "read", resource) is True  # warm-up
    lat = []
    for _ in range(samples):
        t0 = time.perf_counter()
        ok = await permit.check("alice", "read", resource)
        lat.append(time.perf_counter() - t0)
        assert ok is True
    return lat
sdk_lat = asyncio.run(sdk())
json.dump({"curl_total_s": curl_total, "curl_wall_s": curl_wall, "sdk_s": sdk_lat,
           "sdk_version": md.version("permit")}, open(f"{out}/warm-others.json", "w"))
PY

python3 - "$OUT" "$CONC" "$DURATION" "$SAMPLES" <<'PY'
import json, math, re, sys, platform, os
out, conc, duration, samples = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]

def unit(v):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", v)
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]

def wrk(name):
    text = open(f"{out}/{name}").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = {m.group(1): unit(m.group(2)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errs = re.search(r"Socket errors: (.*)", text)
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {"rps": rps, "p50": pct["50"], "p99": pct["99"], "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errs.group(1) if errs else "none", "requests": total}

def probe(name):
    s = json.load(open(f"{out}/{name}"))
    return {"rps": s["requests_per_second"], "p50": s["latency_ms"]["p50"], "p99": s["latency_ms"]["p99"],
            "errors": s["error_count"], "requests": s["completed"]}

def p50(values):
    v = sorted(values)
    return v[max(0, math.ceil(0.5 * len(v)) - 1)] * 1000.0

c32 = wrk("wrk-c32.txt")
warm = json.load(open(f"{out}/warm-permit-tui.json"))
others = json.load(open(f"{out}/warm-others.json"))
pt = warm["latency_ms"]["p50"]
ct, cw, sdk = p50(others["curl_total_s"]), p50(others["curl_wall_s"]), p50(others["sdk_s"])

lines = []
p = lines.append
p(f"Machine: {os.cpu_count()} CPUs, {platform.platform()}; sandbox and load generator share them.")
p(f"Load before the run: `{open(f'{out}/load-before.txt').read().strip()}`")
p("")
p(f"Load probe vs wrk (same query, {duration} s each, two rounds in alternating order):")
p("")
p("| -c | round | tool | requests | req/s | p50 ms | p99 ms | errors |")
p("| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |")
summary = []
for c in ("1", conc):
    rounds = [(probe(f"probe-c{c}-{i}.json"), wrk(f"wrk-c{c}-{i}.txt")) for i in (1, 2)]
    for i, (b, w) in enumerate(rounds, 1):
        p(f"| {c} | {i} | permit-tui bench | {b['requests']} | {b['rps']:.0f} | {b['p50']:.3f} | {b['p99']:.3f} | {b['errors']} |")
        p(f"| {c} | {i} | wrk | {w['requests']} | {w['rps']:.0f} | {w['p50']:.3f} | {w['p99']:.3f} | non-2xx {w['non2xx']}, socket {w['socket_errors']} |")
    mean = lambda side, key: sum(r[side][key] for r in rounds) / len(rounds)
    summary.append((c, {k: (mean(0, k), mean(1, k)) for k in ("rps", "p50", "p99")}))
p("")
p("| -c | req/s bench / wrk | p50 bench / wrk | p99 bench / wrk |")
p("| ---: | ---: | ---: | ---: |")
for c, m in summary:
    cells = []
    for key, fmt in (("rps", "{:.0f}"), ("p50", "{:.3f} ms"), ("p99", "{:.3f} ms")):
        b, w = m[key]
        cells.append(f"{fmt.format(b)} / {fmt.format(w)} = **{b / w:.2f}**")
    p(f"| {c} | " + " | ".join(cells) + " |")
p("")
p(f"Sandbox under wrk -c 32: **{c32['rps']:.0f} req/s**, p50 {c32['p50']:.3f} ms, **p99 {c32['p99']:.3f} ms** "
  f"({c32['requests']} requests, non-2xx {c32['non2xx']}).")
p("")
p(f"Warm check latency, {samples} sequential checks each (p50):")
p("")
p("| client | p50 ms | vs permit-tui |")
p("| --- | ---: | ---: |")
p(f"| permit-tui (`bench -c 1`, keep-alive PdpClient) | {pt:.3f} | 1.0x |")
p(f"| curl per call, curl's own time_total (new connection) | {ct:.3f} | {ct / pt:.1f}x |")
p(f"| curl per call, wall time incl. process start | {cw:.3f} | {cw / pt:.1f}x |")
p(f"| Python SDK `permit.check` (permit {others['sdk_version']}) | {sdk:.3f} | {sdk / pt:.1f}x |")
report = "\n".join(lines)
open(f"{out}/report.md", "w").write(report + "\n")
print(report)
PY
