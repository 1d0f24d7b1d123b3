# Helpers sourced by the measurement scripts.

# Waits up to 10 s for the PDP at $1 to answer /healthy; otherwise exits naming the log $2.
wait_healthy() { # url log
  for _ in $(seq 100); do
    curl -sf "$1/healthy" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the sandbox did not come up at $1; see $2" >&2
  exit 1
}
