-- wrk script: POST /allowed cycling through the evaluator bench's demo queries, one per model:
-- RBAC allow, ABAC allow, ReBAC allow over two hops, and a deny that runs all three models.
-- Usage: wrk -t1 -c4 -d10s --latency -s benches/wrk/mixed.lua http://127.0.0.1:7766/allowed
local bodies = {
  '{"user":{"key":"alice"},"action":"read","resource":{"type":"document","key":"doc-1","tenant":"acme"}}',
  '{"user":{"key":"bob"},"action":"delete","resource":{"type":"document","key":"doc-bob","tenant":"acme"}}',
  '{"user":{"key":"erin"},"action":"write","resource":{"type":"document","key":"api-spec","tenant":"acme"}}',
  '{"user":{"key":"bob"},"action":"delete","resource":{"type":"document","key":"doc-1","tenant":"acme"}}',
}
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer permit_key_sandbox_dev",
}
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", nil, headers, bodies[i])
end
