#!/usr/bin/env bash
# The whole test suite, on a fresh machine of this project's kind (Rust toolchain present).
# Installs what the tests need by itself: the official Permit SDKs (Python, Node) go into
# target/ and tests/sdk/node, nothing is installed system-wide except missing Debian tools.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "== official Permit SDKs (Python permit, Node permitio) for the wire tests"
bash scripts/setup-sdks.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "== cargo test (library, binary, integration and doc tests; benches are compiled by clippy above)"
cargo test --locked
if [ -x tests/sdk/run.sh ]; then
  echo "== official Permit SDKs against the sandbox"
  tests/sdk/run.sh target/debug/permit-tui
fi
