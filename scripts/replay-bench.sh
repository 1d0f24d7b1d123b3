#!/usr/bin/env bash
# Replay at scale: a release sandbox records N distinct decisions (a generated suite sent by
# `permit-tui bench`), then `permit-tui replay` reads its audit log and replays every request
# against a second sandbox. Prints the wall time and peak RSS of the replay.
# Usage: scripts/replay-bench.sh [N]   (default 10000; needs a release build)
set -euo pipefail
n="${1:-10000}"
bin="$(pwd)/target/release/permit-tui"
dir="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
export PERMIT_TUI_CONFIG_DIR="$dir/config" PERMIT_TUI_DATA_DIR="$dir/data" PERMIT_API_KEY=permit_key_sandbox_dev
python3 - "$n" > "$dir/suite.toml" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f'[[check]]\nname = "c{i}"\nuser = "user-{i}"\nuser_attributes = {{ department = "engineering", clearance = {i % 5} }}\n'
          f'action = "read"\nresource = "document:design-doc"\ntenant = "acme"\nexpect = "deny"\n')
PY
sed 's/"greater-than-equals": 3}}/"greater-than-equals": 2}}/' assets/sandbox/dev.json > "$dir/next.json"
"$bin" sandbox --bind 127.0.0.1:17801 --audit-log "$((n + 1000))" > /dev/null &
"$bin" sandbox --bind 127.0.0.1:17802 --policy "$dir/next.json" > /dev/null &
sleep 1
"$bin" env add prod --pdp http://127.0.0.1:17801 --api-url http://127.0.0.1:17801 --key-env PERMIT_API_KEY > /dev/null
"$bin" env add next --pdp http://127.0.0.1:17802 --api-url http://127.0.0.1:17802 --key-env PERMIT_API_KEY > /dev/null
"$bin" bench --env prod --suite "$dir/suite.toml" -n "$n" -c 8 --json > /dev/null
# Exit 1 means "something changed", which this policy change makes sure of.
/usr/bin/time -f "replay: %e s wall, %M KB peak RSS" \
  "$bin" replay --from prod --against next --json > "$dir/report.json" || [ $? -eq 1 ]
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('read', r['read'], 'queries', r['queries'], 'distinct', r['distinct'], 'changed', len(r['changed']))" "$dir/report.json"
