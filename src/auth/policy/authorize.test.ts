import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize } from './authorize.js';
import { builtInPolicy } from './built-in.js';
import { type CompiledPolicy, compilePolicy } from './compile.js';

const allow = (Action: string | string[], Resource: string | string[], Sid?: string) => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...(Sid ? { Sid } : {}),
});

const POLICIES: Record<string, CompiledPolicy> = {
  admin: builtInPolicy('admin'),
  'read-only': builtInPolicy('read-only'),
  'invoke-only': builtInPolicy('invoke-only'),
  deployer: builtInPolicy('deployer'),
  orders: compilePolicy(
    { Statement: allow('function:Invoke', 'gust:function:orders-*', 'InvokeOrders') },
    'orders',
  ),
  'orders-all': compilePolicy({ Statement: allow('function:*', 'gust:function:orders-*') }, 'orders-all'),
  'send-jobs': compilePolicy(
    { Statement: [allow(['queue:Send', 'sqs:GetQueueUrl'], 'gust:queue:jobs-*')] },
    'send-jobs',
  ),
  'db-secret': compilePolicy(
    {
      Statement: [
        allow('secrets:Get', 'gust:secret:db/password'),
        allow('secrets:Get', 'gust:secret:shared/*'),
      ],
    },
    'db-secret',
  ),
  'aws-names': compilePolicy(
    {
      Statement: allow(
        ['lambda:InvokeFunction', 'sqs:Send*', 'events:PutEvents', 'secretsmanager:GetSecretValue'],
        '*',
      ),
    },
    'aws-names',
  ),
  'no-prod': compilePolicy(
    {
      Statement: {
        Sid: 'NoProd',
        Effect: 'Deny',
        Action: ['function:*', 'queue:*'],
        Resource: 'gust:*:prod-*',
      },
    },
    'no-prod',
  ),
  'not-delete': compilePolicy(
    {
      Statement: {
        Effect: 'Allow',
        NotAction: ['function:Delete', 'queue:Delete', 'sqs:PurgeQueue'],
        Resource: '*',
      },
    },
    'not-delete',
  ),
  'not-secrets': compilePolicy(
    { Statement: { Effect: 'Allow', Action: '*', NotResource: 'gust:secret:*' } },
    'not-secrets',
  ),
  'public-guard': compilePolicy(
    { Statement: { Effect: 'Deny', NotAction: 'function:Invoke', Resource: 'gust:function:public-*' } },
    'public-guard',
  ),
  versions: compilePolicy({ Statement: allow('function:Get', 'gust:function:v?') }, 'versions'),
  'mixed-case': compilePolicy({ Statement: allow('FUNCTION:INVOKE', 'gust:function:Orders') }, 'mixed-case'),
};

/**
 * [sentence, policies, action, resource, expected]. Expected is `allow policy#statement`, `deny
 * policy#statement` (an explicit deny) or `default` (nothing allowed it).
 */
const CASES: [string, string[], string, string, string][] = [
  ['admin may do anything', ['admin'], 'function:Deploy', 'gust:function:x', 'allow admin#0'],
  ['admin covers upcoming actions', ['admin'], 'workflows:Start', 'gust:workflow:w', 'allow admin#0'],
  ['admin may list', ['admin'], 'queue:List', 'gust:queue:*', 'allow admin#0'],
  ['read-only may show a function', ['read-only'], 'function:Get', 'gust:function:x', 'allow read-only#0'],
  ['read-only may read logs', ['read-only'], 'function:ReadLogs', 'gust:function:x', 'allow read-only#0'],
  ['read-only may list queues', ['read-only'], 'queue:List', 'gust:queue:*', 'allow read-only#0'],
  ['read-only may read the audit log', ['read-only'], 'audit:Read', 'gust:audit:*', 'allow read-only#0'],
  ['read-only may list secret names', ['read-only'], 'secrets:List', 'gust:secret:*', 'allow read-only#0'],
  ['read-only may not read a secret value', ['read-only'], 'secrets:Get', 'gust:secret:db', 'default'],
  ['read-only may not invoke', ['read-only'], 'function:Invoke', 'gust:function:x', 'default'],
  [
    'read-only may not receive, which hides messages',
    ['read-only'],
    'queue:Receive',
    'gust:queue:q',
    'default',
  ],
  ['read-only may not create keys', ['read-only'], 'keys:Create', 'gust:key:*', 'default'],
  [
    'invoke-only may invoke any function',
    ['invoke-only'],
    'function:Invoke',
    'gust:function:x',
    'allow invoke-only#0',
  ],
  ['invoke-only covers functions only', ['invoke-only'], 'function:Invoke', 'gust:queue:x', 'default'],
  ['invoke-only may not deploy', ['invoke-only'], 'function:Deploy', 'gust:function:x', 'default'],
  ['deployer may deploy', ['deployer'], 'function:Deploy', 'gust:function:x', 'allow deployer#0'],
  ['deployer may create declared queues', ['deployer'], 'queue:Create', 'gust:queue:q', 'allow deployer#0'],
  ['deployer may not invoke', ['deployer'], 'function:Invoke', 'gust:function:x', 'default'],
  ['deployer may not delete queues', ['deployer'], 'queue:Delete', 'gust:queue:q', 'default'],
  [
    'a prefix pattern allows a match',
    ['orders'],
    'function:Invoke',
    'gust:function:orders-1',
    'allow orders#0',
  ],
  [
    'the * spans more than one part',
    ['orders'],
    'function:Invoke',
    'gust:function:orders-eu-1',
    'allow orders#0',
  ],
  ['the prefix must match whole', ['orders'], 'function:Invoke', 'gust:function:orders', 'default'],
  ['resources are case-sensitive', ['orders'], 'function:Invoke', 'gust:function:Orders-1', 'default'],
  ['actions are case-insensitive', ['orders'], 'FUNCTION:INVOKE', 'gust:function:orders-1', 'allow orders#0'],
  [
    'an AWS name asks for its Gust action',
    ['orders'],
    'lambda:InvokeFunction',
    'gust:function:orders-1',
    'allow orders#0',
  ],
  ['other actions stay denied', ['orders'], 'function:Get', 'gust:function:orders-1', 'default'],
  ['the resource type counts', ['orders'], 'function:Invoke', 'gust:queue:orders-1', 'default'],
  [
    'function:* covers every function action',
    ['orders-all'],
    'function:ReadLogs',
    'gust:function:orders-a',
    'allow orders-all#0',
  ],
  ['listing needs the whole collection', ['orders-all'], 'function:List', 'gust:function:*', 'default'],
  ['a queue prefix allows sending', ['send-jobs'], 'queue:Send', 'gust:queue:jobs-eu', 'allow send-jobs#0'],
  [
    'an AWS name in a policy grants its action',
    ['send-jobs'],
    'queue:Get',
    'gust:queue:jobs-eu',
    'allow send-jobs#0',
  ],
  ['sending does not allow receiving', ['send-jobs'], 'queue:Receive', 'gust:queue:jobs-eu', 'default'],
  ['one secret may be read', ['db-secret'], 'secrets:Get', 'gust:secret:db/password', 'allow db-secret#0'],
  ['a secret name is matched whole', ['db-secret'], 'secrets:Get', 'gust:secret:db/password/old', 'default'],
  [
    'a * crosses / in secret names',
    ['db-secret'],
    'secrets:Get',
    'gust:secret:shared/a/b',
    'allow db-secret#1',
  ],
  [
    'AWS wildcards cover the aliases they match',
    ['aws-names'],
    'queue:Send',
    'gust:queue:q',
    'allow aws-names#0',
  ],
  ['AWS names grant events:Put', ['aws-names'], 'events:Put', 'gust:bus:default', 'allow aws-names#0'],
  ['AWS names grant secrets:Get', ['aws-names'], 'secrets:Get', 'gust:secret:s', 'allow aws-names#0'],
  ['AWS names grant nothing more', ['aws-names'], 'queue:Receive', 'gust:queue:q', 'default'],
  [
    'an explicit deny wins over admin',
    ['admin', 'no-prod'],
    'function:Deploy',
    'gust:function:prod-api',
    'deny no-prod#0',
  ],
  [
    'a deny wins whatever the order',
    ['no-prod', 'admin'],
    'function:Deploy',
    'gust:function:prod-api',
    'deny no-prod#0',
  ],
  [
    'a deny spares other resources',
    ['admin', 'no-prod'],
    'function:Deploy',
    'gust:function:dev-api',
    'allow admin#0',
  ],
  [
    'a wildcard type in a deny covers queues',
    ['admin', 'no-prod'],
    'queue:Send',
    'gust:queue:prod-q',
    'deny no-prod#0',
  ],
  ['a deny spares other actions', ['admin', 'no-prod'], 'events:Put', 'gust:bus:prod-bus', 'allow admin#0'],
  ['a deny alone allows nothing', ['no-prod'], 'function:Get', 'gust:function:dev', 'default'],
  ['no policies deny everything', [], 'function:Get', 'gust:function:x', 'default'],
  [
    'NotAction allows what it does not name',
    ['not-delete'],
    'function:Invoke',
    'gust:function:x',
    'allow not-delete#0',
  ],
  ['NotAction excludes what it names', ['not-delete'], 'function:Delete', 'gust:function:x', 'default'],
  ['NotAction excludes an AWS-named action', ['not-delete'], 'queue:Purge', 'gust:queue:q', 'default'],
  [
    'NotResource allows other resources',
    ['not-secrets'],
    'function:Get',
    'gust:function:x',
    'allow not-secrets#0',
  ],
  ['NotResource excludes what it names', ['not-secrets'], 'secrets:Get', 'gust:secret:x', 'default'],
  [
    'Deny with NotAction denies the rest',
    ['admin', 'public-guard'],
    'function:Get',
    'gust:function:public-a',
    'deny public-guard#0',
  ],
  [
    'Deny with NotAction spares what it names',
    ['admin', 'public-guard'],
    'function:Invoke',
    'gust:function:public-a',
    'allow admin#0',
  ],
  [
    'Deny with NotAction spares other resources',
    ['admin', 'public-guard'],
    'function:Get',
    'gust:function:private',
    'allow admin#0',
  ],
  ['? matches one character', ['versions'], 'function:Get', 'gust:function:v1', 'allow versions#0'],
  ['? does not match two', ['versions'], 'function:Get', 'gust:function:v10', 'default'],
  ['? does not match none', ['versions'], 'function:Get', 'gust:function:v', 'default'],
  [
    'a policy action in any case matches',
    ['mixed-case'],
    'function:Invoke',
    'gust:function:Orders',
    'allow mixed-case#0',
  ],
  ['a policy resource keeps its case', ['mixed-case'], 'function:Invoke', 'gust:function:orders', 'default'],
  [
    'the first allowing statement is reported',
    ['orders', 'admin'],
    'function:Invoke',
    'gust:function:orders-1',
    'allow orders#0',
  ],
  ['an unknown action is denied even for admin', ['admin'], 'function:Fly', 'gust:function:x', 'default'],
];

describe('authorize', () => {
  for (const [sentence, names, action, resource, expected] of CASES) {
    it(`${sentence}: ${action} on ${resource} with [${names.join(', ')}] is ${expected}`, () => {
      const policies = names.map((name) => POLICIES[name] ?? assert.fail(`no fixture ${name}`));
      const decision = authorize({ id: 'GKTEST', policies }, action, resource);
      const by = decision.statement ? `${decision.statement.policy}#${decision.statement.index}` : '';
      const outcome = decision.statement ? `${decision.allowed ? 'allow' : 'deny'} ${by}` : 'default';
      assert.equal(outcome, expected, decision.reason);
      assert.equal(decision.allowed, expected.startsWith('allow'));
    });
  }

  it('names the deciding statement and its Sid in the reason', () => {
    const decision = authorize(
      { id: 'GK1', policies: [POLICIES.orders!] },
      'function:Invoke',
      'gust:function:orders-1',
    );
    assert.equal(decision.reason, "Allowed by statement 0 (Sid InvokeOrders) of policy 'orders'.");
    assert.deepEqual(decision.statement, { policy: 'orders', index: 0, sid: 'InvokeOrders' });
  });

  it('says what an explicit deny denied, with the Gust name of an action asked by its AWS name', () => {
    const policies = [POLICIES.admin!, POLICIES['no-prod']!];
    const decision = authorize({ id: 'GK1', policies }, 'lambda:DeleteFunction', 'gust:function:prod-api');
    assert.equal(
      decision.reason,
      "Denied by statement 0 (Sid NoProd) of policy 'no-prod', which denies function:Delete on gust:function:prod-api.",
    );
  });

  it('says who was denied by default, and what', () => {
    const none = authorize({ id: 'GK1', policies: [] }, 'queue:Send', 'gust:queue:q');
    assert.equal(
      none.reason,
      "Denied by default: 'GK1' has no policies, so nothing allows queue:Send on gust:queue:q.",
    );
    const some = authorize({ id: 'GK2', policies: [POLICIES.orders!] }, 'queue:send', 'gust:queue:q');
    assert.equal(some.reason, "Denied by default: no policy of 'GK2' allows queue:Send on gust:queue:q.");
    assert.equal('statement' in some, false);
  });

  it('says an unknown action is not a Gust action', () => {
    const decision = authorize({ id: 'GK1', policies: [POLICIES.admin!] }, 'function:Fly', 'gust:function:x');
    assert.equal(decision.reason, "Denied: 'function:Fly' is not a Gust action.");
  });

  it('leaves sid out of the statement when the statement has none', () => {
    const principal = { id: 'GK1', policies: [POLICIES['orders-all']!] };
    const decision = authorize(principal, 'function:Get', 'gust:function:orders-1');
    assert.deepEqual(decision.statement, { policy: 'orders-all', index: 0 });
    assert.equal('sid' in (decision.statement ?? {}), false);
  });

  it('gives the same answer every time for the same inputs', () => {
    const principal = { id: 'GK1', policies: [POLICIES['orders-all']!, POLICIES['no-prod']!] };
    const first = authorize(principal, 'function:Get', 'gust:function:orders-1');
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(authorize(principal, 'function:Get', 'gust:function:orders-1'), first);
    }
  });
});
