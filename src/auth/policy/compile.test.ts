import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize } from './authorize.js';
import { compilePolicy } from './compile.js';

describe('compilePolicy', () => {
  it('keeps the normalised document for showing and storing', () => {
    const policy = compilePolicy(
      '{"Statement": {"Effect": "Allow", "Action": "queue:Send", "Resource": "*"}}',
      'q',
    );
    assert.deepEqual(policy.document, {
      Statement: [{ Effect: 'Allow', Action: ['queue:Send'], Resource: ['*'] }],
    });
  });

  it('throws ERR_INVALID_POLICY naming the policy', () => {
    assert.throws(() => compilePolicy({ Statement: [] }, 'broken'), {
      code: 'ERR_INVALID_POLICY',
      message: "Policy 'broken' is not valid: Statement: no statements: a policy needs at least one",
    });
  });

  it('returns a frozen policy that one caller cannot change under another', () => {
    const policy = compilePolicy({ Statement: { Effect: 'Deny', Action: '*', Resource: '*' } }, 'frozen');
    assert.ok(Object.isFrozen(policy));
    assert.ok(Object.isFrozen(policy.denies));
    assert.ok(Object.isFrozen(policy.denies[0]?.ref));
    assert.throws(() => (policy.allows as unknown[]).push(policy.denies[0]));
  });

  it('resolves an action wildcard when compiling, so a later lookup needs no pattern', () => {
    const policy = compilePolicy(
      { Statement: { Effect: 'Allow', Action: 'queue:*', Resource: '*' } },
      'queues',
    );
    const principal = { id: 'GK1', policies: [policy] };
    assert.equal(authorize(principal, 'queue:Purge', 'gust:queue:q').allowed, true);
    assert.equal(authorize(principal, 'sqs:PurgeQueue', 'gust:queue:q').allowed, true);
    assert.equal(authorize(principal, 'function:Get', 'gust:function:f').allowed, false);
  });
});
