-- wrk script: POST /allowed with the default demo query (alice read document:doc-1 in acme).
-- Usage: wrk -t2 -c32 -d10s --latency -s benches/wrk/allowed.lua http://127.0.0.1:7766/allowed
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer permit_key_sandbox_dev"
wrk.body = '{"user":{"key":"alice"},"action":"read","resource":{"type":"document","key":"doc-1","tenant":"acme"}}'
