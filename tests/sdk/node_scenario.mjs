// Wire-compatibility scenario: the official Node SDK (`npm install permitio`) against a live
// permit-tui sandbox. Usage: node node_scenario.mjs http://127.0.0.1:PORT
// Prints one PASS/FAIL line per case and a closing "N passed, M failed"; exits non-zero on
// any failure.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// permitio is installed in tests/sdk/node (next to this file), not in the repo root.
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, 'node', 'package.json'));
const { Permit } = require('permitio');

const url = process.argv[2] || 'http://127.0.0.1:7766';
const DEV = 'permit_key_sandbox_dev';
const PROD = 'permit_key_sandbox_prod';
const quiet = { level: 'error', enable: false };
const sdk = (token) => new Permit({ token, pdp: url, log: quiet, throwOnError: true });
const results = [];

function record(name, ok, detail = '') {
  results.push(ok);
  console.log(`${ok ? 'PASS' : 'FAIL'} node: ${name}${ok ? '' : ' -- ' + detail}`);
}

async function expectCheck(permit, name, user, action, resource, expected, context = {}) {
  try {
    const got = await permit.check(user, action, resource, context);
    record(name, got === expected, `expected ${expected}, got ${got}`);
  } catch (err) {
    record(name, false, `threw ${err && err.message}`);
  }
}

const dev = sdk(DEV);
const prod = sdk(PROD);

// RBAC, tenant-scoped, with role inheritance.
await expectCheck(dev, 'rbac allow (editor extends viewer)', 'alice', 'read', { type: 'document', key: 'doc-1', tenant: 'acme' }, true);
await expectCheck(dev, 'rbac deny (viewer cannot delete)', 'bob', 'delete', { type: 'document', key: 'doc-1', tenant: 'acme' }, false);
await expectCheck(dev, 'rbac roles are tenant-scoped', 'alice', 'write', { type: 'document', tenant: 'globex' }, false);
await expectCheck(dev, 'camelCase user fields are accepted', { key: 'alice', firstName: 'Alice', email: 'alice@acme.test' }, 'read', { type: 'document', tenant: 'acme' }, true);

// ABAC with just-in-time attributes.
const cleared = { key: 'ghost', attributes: { department: 'engineering', clearance: 3 } };
await expectCheck(dev, 'abac JIT user attributes allow', cleared, 'read', { type: 'document', key: 'design-doc', tenant: 'acme' }, true);
await expectCheck(dev, 'abac JIT user attributes deny', { key: 'ghost', attributes: { department: 'sales', clearance: 9 } }, 'read', { type: 'document', key: 'design-doc', tenant: 'acme' }, false);
await expectCheck(dev, 'abac JIT resource attributes allow', 'erin', 'read', { type: 'report', tenant: 'initech', attributes: { sensitivity: 1 } }, true);
await expectCheck(prod, 'abac prod tightens clearance', cleared, 'read', { type: 'document', key: 'design-doc', tenant: 'acme' }, false);

// ReBAC.
await expectCheck(dev, 'rebac derived role allows', 'erin', 'write', { type: 'document', key: 'api-spec', tenant: 'acme' }, true);
await expectCheck(dev, 'rebac no role on instance', 'erin', 'read', { type: 'document', key: 'doc-1', tenant: 'acme' }, false);
await expectCheck(dev, 'rebac instance roles count only in the instance tenant', 'frank', 'write', 'document:runbook', false);
await expectCheck(dev, 'rebac team derivation in acme', 'frank', 'write', { type: 'document', key: 'runbook', tenant: 'acme' }, true);

// Default tenant.
await expectCheck(dev, 'default tenant allow', 'heidi', 'read', 'document', true);
await expectCheck(dev, 'default tenant deny', 'heidi', 'write', 'document', false);

// Bulk.
try {
  const got = await dev.bulkCheck([
    { user: 'alice', action: 'read', resource: { type: 'document', key: 'doc-1', tenant: 'acme' } },
    { user: 'bob', action: 'delete', resource: { type: 'document', key: 'doc-1', tenant: 'acme' } },
    { user: 'erin', action: 'read', resource: { type: 'document', key: 'design-doc', tenant: 'acme' } },
  ]);
  record('bulkCheck', JSON.stringify(got) === JSON.stringify([true, false, true]), `got ${JSON.stringify(got)}`);
} catch (err) {
  record('bulkCheck', false, `threw ${err && err.message}`);
}

// User permissions.
try {
  const perms = await dev.getUserPermissions('alice');
  const acme = (perms['__tenant:acme'] || {}).permissions || [];
  record('getUserPermissions tenant roles', acme.includes('document:write') && !acme.includes('document:delete'), JSON.stringify(perms));
  const erin = await dev.getUserPermissions('erin', ['acme']);
  const spec = (erin['document:api-spec'] || {}).permissions || [];
  record('getUserPermissions derived instance roles', spec.includes('document:write') && !('__tenant:initech' in erin), JSON.stringify(erin));
} catch (err) {
  record('getUserPermissions', false, `threw ${err && err.message}`);
}

// A wrong key is an error, not a deny.
try {
  const got = await sdk('permit_key_wrong').check('alice', 'read', { type: 'document', tenant: 'acme' });
  record('wrong key throws', false, `returned ${got} instead of throwing`);
} catch (err) {
  record('wrong key throws', true);
}

const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`node: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
