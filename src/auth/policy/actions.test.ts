import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { actionIndex, matchActions } from './action-index.js';
import { renderActionTable } from './action-table.js';
import { ACTIONS, PUBLIC_OPERATIONS } from './actions.js';
import { resourcePatternProblem } from './resources.js';

const readDoc = (name: string) => readFileSync(new URL(`../../../../docs/${name}`, import.meta.url), 'utf8');

/**
 * Every operation docs/api.md documents: control API and Invoke API routes, SQS, EventBridge and
 * Secrets Manager and Step Functions operations.
 */
function documentedOperations(): string[] {
  const api = readDoc('api.md');
  const routes = [...api.matchAll(/^#{3,4} `(GET|POST|PUT|PATCH|DELETE) (\/[^`?]*)/gm)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
  const lambda = [...api.matchAll(/`(GET|POST|DELETE) (\/2015-03-31\/[^`?]*)`/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
  // An operation list: the backquoted names in a paragraph, leaving out what is in parentheses
  // (parameters and remarks).
  const names = (from: string, to: string) => {
    const start = api.indexOf(from);
    const text = api.slice(start, api.indexOf(to, start)).replace(/\([^()]*\)/g, '');
    return [...text.matchAll(/`([A-Z][A-Za-z]+)`/g)].map((m) => m[1] ?? '');
  };
  const sqs = names('Operations: `CreateQueue`', '`MD5OfMessageBody`').map((op) => `SQS ${op}`);
  const eventBridge = names('sends it: `PutEvents`', '. Errors are').map((op) => `EventBridge ${op}`);
  const secrets = names('sends it: `CreateSecret`', '. Values travel').map((op) => `SecretsManager ${op}`);
  const stepFunctions = names('sends it: `CreateStateMachine`', '. ARNs are').map(
    (op) => `StepFunctions ${op}`,
  );
  assert.ok(
    sqs.length >= 18 && eventBridge.length >= 6 && secrets.length >= 9 && stepFunctions.length >= 16,
    'the operation lists are found in docs/api.md',
  );
  return [...new Set([...routes, ...lambda, ...sqs, ...eventBridge, ...secrets, ...stepFunctions])].sort();
}

describe('the action catalogue', () => {
  it('names each action service:Verb, once, whatever the case', () => {
    const folded = ACTIONS.map((action) => action.name.toLowerCase());
    assert.equal(new Set(folded).size, ACTIONS.length);
    for (const action of ACTIONS) assert.match(action.name, /^[a-z]+:[A-Z][A-Za-z]+$/, action.name);
  });

  it('maps each AWS name to one action, never to a name Gust uses for another', () => {
    const seen = new Map<string, string>();
    for (const action of ACTIONS) {
      for (const alias of action.aws) {
        assert.match(alias, /^[a-z]+:[A-Z][A-Za-z]+$/, alias);
        const key = alias.toLowerCase();
        assert.equal(seen.get(key), undefined, `${alias} is claimed by ${seen.get(key)} and ${action.name}`);
        seen.set(key, action.name);
        assert.ok(actionIndex(alias) === ACTIONS.indexOf(action), `${alias} resolves to ${action.name}`);
      }
    }
  });

  it('gives each action a resource of a known type, NAME or ID for one, * for all', () => {
    for (const action of ACTIONS) {
      assert.match(action.resource, /^gust:[a-z]+:(NAME|ID|FUNCTION\/NAME|\*)$/, action.name);
      const example = action.resource.replace(/NAME|ID/, 'x');
      assert.equal(resourcePatternProblem(example), undefined, `${action.name}: ${action.resource}`);
    }
  });

  it('describes each action in one sentence', () => {
    for (const action of ACTIONS) assert.match(action.description, /^[A-Z].*\.$/, action.name);
  });

  it('resolves names in any case, and unknown names to -1', () => {
    assert.equal(actionIndex('function:Invoke'), 0);
    assert.equal(actionIndex('Function:INVOKE'), 0);
    assert.equal(actionIndex('LAMBDA:invokefunction'), 0);
    assert.equal(actionIndex('function:Fly'), -1);
    assert.equal(actionIndex(''), -1);
  });

  it('matches a wildcard against Gust names, and AWS names when it names their service', () => {
    const names = (pattern: string) => matchActions(pattern).map((i) => ACTIONS[i]?.name);
    assert.deepEqual(names('sqs:*Message'), ['queue:Send', 'queue:Receive', 'queue:DeleteMessage']);
    assert.deepEqual(names('*:Put*'), ['events:Put', 'secrets:Put', 'policies:Put']);
    assert.deepEqual(names('events:Put*'), ['events:Put'], 'events:PutEvents is the same action');
    assert.ok(!names('*:List*').includes('queue:Get'), 'a wildcard service leaves AWS names out');
    assert.ok(names('sqs:List*').includes('queue:Get'), 'a named AWS service takes them in');
    assert.equal(matchActions('*').length, ACTIONS.length);
  });

  it('guards every operation docs/api.md documents, and only those', () => {
    const guarded = ACTIONS.flatMap((action) => action.operations);
    assert.equal(new Set(guarded).size, guarded.length, 'no operation is guarded by two actions');
    assert.deepEqual([...guarded, ...PUBLIC_OPERATIONS].sort(), documentedOperations());
  });

  it('is the table in docs/policies.md', () => {
    const doc = readDoc('policies.md');
    const start = doc.indexOf('\n', doc.indexOf('<!-- actions:start')) + 1;
    const table = doc.slice(start, doc.indexOf('<!-- actions:end -->')).trim();
    assert.equal(
      table,
      renderActionTable(),
      'paste renderActionTable() between the markers in docs/policies.md',
    );
  });
});
