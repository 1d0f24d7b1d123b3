#!/usr/bin/env bash
# Installs the official Permit SDKs the tests run against the sandbox, idempotently:
# Python `permit` into target/sdk-venv, Node `permitio` into tests/sdk/node/node_modules.
# Prints nothing but errors; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/sdk-venv
if ! "$venv/bin/python" -c "import permit" >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check permit
fi
if [ ! -f tests/sdk/node/node_modules/permitio/package.json ]; then
  (cd tests/sdk/node && npm ci --silent --no-audit --no-fund)
fi
