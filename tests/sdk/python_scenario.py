"""Wire-compatibility scenario: the official Python SDK (`pip install permit`) against a live
permit-tui sandbox. Usage: python python_scenario.py http://127.0.0.1:PORT

Prints one PASS/FAIL line per case and a closing "N passed, M failed"; exits non-zero on any
failure.
"""

import asyncio
import sys

from permit import Permit

DEV = "permit_key_sandbox_dev"
PROD = "permit_key_sandbox_prod"

results = []


def record(name, ok, detail=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} python: {name}{'' if ok else ' -- ' + detail}", flush=True)


async def expect_check(permit, name, user, action, resource, expected, context=None):
    try:
        got = await permit.check(user, action, resource, context or {})
        record(name, got == expected, f"expected {expected}, got {got}")
    except Exception as err:  # noqa: BLE001 - any SDK error is a failed case
        record(name, False, f"raised {type(err).__name__}: {err}")


async def main(url):
    dev = Permit(token=DEV, pdp=url)
    prod = Permit(token=PROD, pdp=url)

    # RBAC, tenant-scoped, with role inheritance.
    await expect_check(dev, "rbac allow (editor extends viewer)", "alice", "read",
                       {"type": "document", "key": "doc-1", "tenant": "acme"}, True)
    await expect_check(dev, "rbac deny (viewer cannot delete)", "bob", "delete",
                       {"type": "document", "key": "doc-1", "tenant": "acme"}, False)
    await expect_check(dev, "rbac roles are tenant-scoped", "alice", "write",
                       {"type": "document", "tenant": "globex"}, False)
    await expect_check(dev, "resource string type:key gets the default tenant", "alice", "read", "document:doc-1", False)

    # ABAC with just-in-time attributes (user not synced; resource attributes given inline).
    cleared = {"key": "ghost", "attributes": {"department": "engineering", "clearance": 3}}
    await expect_check(dev, "abac JIT user attributes allow", cleared, "read",
                       {"type": "document", "key": "design-doc", "tenant": "acme"}, True)
    uncleared = {"key": "ghost", "attributes": {"department": "engineering", "clearance": 1}}
    await expect_check(dev, "abac JIT user attributes deny", uncleared, "read",
                       {"type": "document", "key": "design-doc", "tenant": "acme"}, False)
    await expect_check(dev, "abac JIT resource attributes allow", "erin", "read",
                       {"type": "report", "tenant": "initech", "attributes": {"sensitivity": 1}}, True)
    await expect_check(dev, "abac JIT resource attributes deny", "erin", "read",
                       {"type": "report", "tenant": "initech", "attributes": {"sensitivity": 5}}, False)
    await expect_check(prod, "abac prod tightens clearance", cleared, "read",
                       {"type": "document", "key": "design-doc", "tenant": "acme"}, False)

    # ReBAC: folder#editor on engineering derives document#editor two hops down.
    await expect_check(dev, "rebac derived role allows", "erin", "write",
                       {"type": "document", "key": "api-spec", "tenant": "acme"}, True)
    await expect_check(dev, "rebac derived role lacks delete", "erin", "delete",
                       {"type": "document", "key": "design-doc", "tenant": "acme"}, False)

    # Default tenant: the SDK fills in "default".
    await expect_check(dev, "default tenant allow", "heidi", "read", "document", True)
    await expect_check(dev, "default tenant deny", "heidi", "write", "document", False)

    # Environments differ: prod removed document:share from editor.
    await expect_check(dev, "dev editor may share", "alice", "share",
                       {"type": "document", "key": "doc-1", "tenant": "acme"}, True)
    await expect_check(prod, "prod editor may not share", "alice", "share",
                       {"type": "document", "key": "doc-1", "tenant": "acme"}, False)

    # Bulk checks.
    try:
        got = await dev.bulk_check([
            {"user": "alice", "action": "read", "resource": {"type": "document", "key": "doc-1", "tenant": "acme"}},
            {"user": "bob", "action": "delete", "resource": {"type": "document", "key": "doc-1", "tenant": "acme"}},
            {"user": "erin", "action": "read", "resource": {"type": "document", "key": "design-doc", "tenant": "acme"}},
        ])
        record("bulk_check", got == [True, False, True], f"got {got}")
    except Exception as err:  # noqa: BLE001
        record("bulk_check", False, f"raised {err}")

    # User permissions.
    try:
        perms = await dev.get_user_permissions("alice")
        acme = perms.get("__tenant:acme", {}).get("permissions", [])
        record("get_user_permissions tenant roles", "document:write" in acme and "document:delete" not in acme, f"got {perms}")
        perms = await dev.get_user_permissions("erin", tenants=["acme"])
        spec = perms.get("document:api-spec", {})
        record("get_user_permissions derived instance roles",
               "document:write" in spec.get("permissions", []) and "__tenant:initech" not in perms, f"got {perms}")
    except Exception as err:  # noqa: BLE001
        record("get_user_permissions", False, f"raised {err}")

    # Authorized users.
    try:
        res = await dev.authorized_users("write", {"type": "document", "key": "design-doc", "tenant": "acme"})
        users = res["users"] if isinstance(res, dict) else res.users
        record("authorized_users", sorted(users.keys()) == ["alice", "erin", "grace"], f"got {res}")
    except Exception as err:  # noqa: BLE001
        record("authorized_users", False, f"raised {err}")

    # A wrong key must be reported as an error, not as a deny.
    wrong = Permit(token="permit_key_wrong", pdp=url)
    try:
        got = await wrong.check("alice", "read", {"type": "document", "tenant": "acme"})
        record("wrong key raises", False, f"returned {got} instead of raising")
    except Exception as err:  # noqa: BLE001
        record("wrong key raises", "403" in str(err) or "PermitConnectionError" in type(err).__name__, f"{type(err).__name__}: {err}")

    passed = sum(1 for r in results if r)
    failed = len(results) - passed
    print(f"python: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:7766")))
