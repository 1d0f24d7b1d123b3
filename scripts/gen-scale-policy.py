#!/usr/bin/env python3
"""A large sandbox policy for scale runs: USERS users (two attributes each) and ASSIGNMENTS
tenant role assignments spread over 100 tenants, every (user, tenant) pair distinct.
Usage: scripts/gen-scale-policy.py OUT.json [USERS] [ASSIGNMENTS]   (defaults 100000 1000000)"""
import json
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
assignments = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
users = [{"key": f"user-{i}", "email": f"u{i}@x.io",
          "attributes": {"dept": ["eng", "ops", "fin"][i % 3], "clearance": i % 5}} for i in range(n)]
tenants = [{"key": f"t{i}"} for i in range(100)]
roles = ["viewer", "writer"]
ras = [{"user": f"user-{i % n}", "role": roles[(i // n) % 2], "tenant": f"t{((i // n) * 10 + i % 10) % 100}"}
       for i in range(assignments)]
policy = {
    "environment": {"key": "big", "project": "p", "api_key": "permit_key_big"},
    "resources": [{"key": "document", "actions": {"read": {}, "write": {}}}],
    "roles": [{"key": "viewer", "permissions": ["document:read"]},
              {"key": "writer", "permissions": ["document:write"], "extends": ["viewer"]}],
    "tenants": tenants, "users": users, "role_assignments": ras,
}
with open(out, "w") as f:
    json.dump(policy, f)
