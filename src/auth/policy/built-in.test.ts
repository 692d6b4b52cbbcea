import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS } from './actions.js';
import { authorize } from './authorize.js';
import { BUILT_IN_POLICY_NAMES, type BuiltInPolicyName, builtInPolicy, isBuiltInPolicy } from './built-in.js';

/** The actions a built-in policy allows, each asked on an example of its resource. */
function allowedBy(name: BuiltInPolicyName): string[] {
  const principal = { id: 'GKTEST', policies: [builtInPolicy(name)] };
  return ACTIONS.filter((action) => {
    const resource = action.resource.replace(/NAME|ID/, 'x');
    return authorize(principal, action.name, resource).allowed;
  }).map((action) => action.name);
}

describe('built-in policies', () => {
  it('compile once and are shared', () => {
    for (const name of BUILT_IN_POLICY_NAMES) {
      assert.equal(builtInPolicy(name), builtInPolicy(name));
      assert.equal(builtInPolicy(name).name, name);
    }
  });

  it('admin allows every action', () => {
    assert.deepEqual(
      allowedBy('admin'),
      ACTIONS.map((action) => action.name),
    );
  });

  it('read-only allows exactly the read actions, so never a secret value nor a change', () => {
    const reads = ACTIONS.filter((action) => action.access === 'read').map((action) => action.name);
    assert.deepEqual(allowedBy('read-only'), reads);
    assert.ok(!allowedBy('read-only').includes('secrets:Get'));
  });

  it('invoke-only allows invoking and nothing else', () => {
    assert.deepEqual(allowedBy('invoke-only'), ['function:Invoke']);
  });

  it('deployer may deploy and look, but not invoke, send, read secrets or grant permissions', () => {
    const allowed = allowedBy('deployer');
    assert.ok(allowed.includes('function:Deploy') && allowed.includes('queue:Create'));
    for (const action of ACTIONS) {
      if (
        action.access === 'secret' ||
        action.access === 'permissions' ||
        action.name === 'function:Invoke'
      ) {
        assert.ok(!allowed.includes(action.name), action.name);
      }
    }
  });

  it('are recognised by name', () => {
    assert.equal(isBuiltInPolicy('read-only'), true);
    assert.equal(isBuiltInPolicy('Read-Only'), false);
    assert.equal(isBuiltInPolicy('orders'), false);
  });
});
