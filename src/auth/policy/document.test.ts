import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../../core/errors.js';
import { type PolicyIssue, parsePolicy } from './document.js';

/** The issues parsePolicy reports for a document, as `path: message` lines. */
function problems(document: unknown): string[] {
  try {
    parsePolicy(document, 'p');
  } catch (error) {
    assert.ok(error instanceof GustError);
    assert.equal(error.code, 'ERR_INVALID_POLICY');
    assert.equal(error.status, 400);
    return ((error.details?.issues ?? []) as PolicyIssue[]).map((issue) => `${issue.path}: ${issue.message}`);
  }
  return [];
}

const withAction = (Action: unknown) => ({ Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });
const withResource = (Resource: unknown) => ({ Statement: [{ Effect: 'Allow', Action: '*', Resource }] });

describe('parsePolicy', () => {
  it('accepts one statement and single strings, and returns every list as an array', () => {
    const document = parsePolicy({
      Version: '2012-10-17',
      Statement: { Sid: 'A', Effect: 'Allow', Action: 'function:Invoke', Resource: 'gust:function:x' },
    });
    assert.deepEqual(document, {
      Version: '2012-10-17',
      Statement: [{ Sid: 'A', Effect: 'Allow', Action: ['function:Invoke'], Resource: ['gust:function:x'] }],
    });
  });

  it('reads JSON text and says where text that is not JSON went wrong', () => {
    assert.equal(
      parsePolicy('{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}').Statement.length,
      1,
    );
    assert.match(problems('{"Statement": ')[0] ?? '', /^: not JSON: /);
  });

  it('accepts every resource form the docs describe', () => {
    const resources = [
      '*',
      'gust:*',
      'gust:func*',
      'gust:*:orders-*',
      'gust:function:orders-*',
      'gust:queue:jobs-??',
      'gust:secret:db/*',
      'gust:schedule:report/*',
      'gust:key:GKABCDEFGHIJKLMNOPQR',
      'gust:audit:*',
    ];
    assert.deepEqual(problems(withResource(resources)), []);
  });

  it('accepts Gust and AWS action names in any case, and wildcards that match one', () => {
    const actions = [
      '*',
      'function:Invoke',
      'QUEUE:SEND',
      'sqs:SendMessage',
      'events:Put*',
      'secrets:?et',
      '*:List*',
    ];
    assert.deepEqual(problems(withAction(actions)), []);
  });

  it('suggests the nearest action for a misspelled service', () => {
    assert.deepEqual(problems(withAction('funtion:Invoke')), [
      "Statement[0].Action: 'funtion:Invoke' matches no Gust action; did you mean function:Invoke?",
    ]);
    assert.deepEqual(problems(withAction(['function:Get', 'fucntion:*'])), [
      "Statement[0].Action[1]: 'fucntion:*' matches no Gust action; did you mean function:*?",
    ]);
  });

  it('completes or corrects a verb, and lists the verbs when nothing is close', () => {
    assert.match(problems(withAction('lambda:Invoke'))[0] ?? '', /did you mean lambda:InvokeFunction\?$/);
    assert.match(problems(withAction('queue:Recieve'))[0] ?? '', /did you mean queue:Receive\?$/);
    assert.match(
      problems(withAction('function:Fly'))[0] ?? '',
      /; function has Invoke, Deploy, .*ReadInvocations$/,
    );
    assert.match(
      problems(withAction('function:Zz*'))[0] ?? '',
      /'function:Zz\*' matches no Gust action; function has/,
    );
    assert.match(problems(withAction('nothing:AtAll'))[0] ?? '', /docs\/policies\.md lists them$/);
  });

  it('wants service:Verb', () => {
    assert.deepEqual(problems(withAction('Invoke')), [
      "Statement[0].Action: 'Invoke' is not an action: write service:Verb, as in function:Invoke, or *",
    ]);
    assert.equal(problems(withAction('function:Invoke:x')).length, 1);
  });

  it('explains each kind of wrong resource', () => {
    const cases: [string, RegExp][] = [
      ['orders', /is not a Gust resource: write gust:TYPE:NAME \(function, queue/],
      ['arn:aws:lambda:us-east-1:1:function:orders:3', /is an AWS ARN; Gust names it gust:function:orders$/],
      ['arn:aws:sqs:us-east-1:000000000000:jobs-*', /Gust names it gust:queue:jobs-\*$/],
      ['arn:aws:secretsmanager:eu-west-1:1:secret:db', /Gust names it gust:secret:db$/],
      ['gust:fnction:x', /'fnction' is not a Gust resource type; did you mean function\?$/],
      ['gust:queue', /has no name: write gust:queue:NAME, or gust:queue:\* for every queue$/],
      ['gust:queue:', /has no name/],
      [
        'gust:function:orders.v2',
        /can match no function: function names hold letters, digits, - and _, not '\.'$/,
      ],
      ['gust:audit:2024', /the audit log is one resource, gust:audit:\*$/],
      ['gust:x*:y', /'x\*' is not a Gust resource type/],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
      ['gust:secret:${aws:username}', /uses a policy variable/],
      ['gust:function:a b', /holds a space or control character$/],
    ];
    for (const [resource, expected] of cases) {
      const found = problems(withResource(resource));
      assert.equal(found.length, 1, `${resource}: ${found.join('; ')}`);
      assert.match(found[0] ?? '', expected);
      assert.ok(found[0]?.startsWith('Statement[0].Resource: '), found[0]);
    }
  });

  it('names Effect values that are not Allow or Deny, including a wrong case', () => {
    assert.deepEqual(problems({ Statement: { Effect: 'allow', Action: '*', Resource: '*' } }), [
      'Statement.Effect: expected "Allow" or "Deny", got "allow"',
    ]);
    assert.deepEqual(problems({ Statement: { Action: '*', Resource: '*' } }), [
      'Statement.Effect: expected "Allow" or "Deny", got nothing',
    ]);
  });

  it('wants exactly one of Action and NotAction, and of Resource and NotResource', () => {
    assert.deepEqual(problems({ Statement: { Effect: 'Allow', Resource: '*' } }), [
      'Statement: Action (or NotAction) is missing',
    ]);
    assert.deepEqual(
      problems({
        Statement: [{ Effect: 'Allow', Action: '*', NotAction: 'queue:*', NotResource: '*', Resource: '*' }],
      }),
      [
        'Statement[0]: give Action or NotAction, not both',
        'Statement[0]: give Resource or NotResource, not both',
      ],
    );
  });

  it('rejects unknown fields, suggesting the one meant, and says why Condition and Principal are not taken', () => {
    assert.deepEqual(problems({ Statment: [] }), [
      'Statement: expected a statement object or a list of them',
      'Statment: unknown field; did you mean Statement?',
    ]);
    assert.deepEqual(
      problems({
        Statement: { Effect: 'Allow', Actions: '*', Resource: '*', Condition: {}, Principal: '*' },
      }),
      [
        'Statement.Actions: unknown field; did you mean Action?',
        'Statement.Condition: Condition is not supported: Gust policies have no conditions; narrow the Resource instead',
        'Statement.Principal: Principal is not used: a policy applies to the keys it is attached to',
        'Statement: Action (or NotAction) is missing',
      ],
    );
  });

  it('rejects empty things: no statements, an empty list, an empty name, an empty Sid', () => {
    assert.deepEqual(problems({ Statement: [] }), ['Statement: no statements: a policy needs at least one']);
    assert.deepEqual(problems(withAction([])), [
      'Statement[0].Action: the list is empty; give at least one action',
    ]);
    assert.deepEqual(problems(withResource([''])), [
      'Statement[0].Resource[0]: an empty string is not a resource',
    ]);
    assert.deepEqual(problems({ Statement: { Sid: '', Effect: 'Deny', Action: '*', Resource: '*' } }), [
      'Statement.Sid: an empty Sid; leave it out instead',
    ]);
  });

  it('rejects a Sid used twice in one policy', () => {
    const statement = { Sid: 'Same', Effect: 'Allow', Action: '*', Resource: '*' };
    assert.deepEqual(problems({ Statement: [statement, statement] }), [
      'Statement[1].Sid: the same Sid twice',
    ]);
  });

  it('reads only policy language version 2012-10-17', () => {
    assert.deepEqual(problems({ Version: '2008-10-17', Statement: withAction('*').Statement }), [
      'Version: expected "2012-10-17", the policy language version Gust reads',
    ]);
  });

  it('wants an object, and lists that are lists of strings', () => {
    for (const value of [null, 7, [], 'true']) assert.equal(problems(value).length, 1, JSON.stringify(value));
    assert.deepEqual(problems(withAction(['function:Get', 7])), [
      'Statement[0].Action[1]: expected an action as a string',
    ]);
    assert.deepEqual(problems(withResource({})), [
      'Statement[0].Resource: expected resource or a list of them',
    ]);
  });

  it('caps the number of statements', () => {
    const Statement = Array.from({ length: 101 }, () => ({ Effect: 'Allow', Action: '*', Resource: '*' }));
    assert.deepEqual(problems({ Statement }), ['Statement: more than 100 statements']);
  });

  it('reports every problem, naming the policy, the count and the first path', () => {
    let error: unknown;
    try {
      parsePolicy(
        { Statement: [{ Effect: 'Alow', Action: 'funtion:Invoke', Resource: 'gust:queue' }] },
        'shop',
      );
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof GustError);
    assert.equal(
      error.message,
      "Policy 'shop' has 3 problems:\n" +
        '  Statement[0].Effect: expected "Allow" or "Deny", got "Alow"\n' +
        "  Statement[0].Action: 'funtion:Invoke' matches no Gust action; did you mean function:Invoke?\n" +
        "  Statement[0].Resource: 'gust:queue' has no name: write gust:queue:NAME, or gust:queue:* for every queue",
    );
    assert.equal(error.details?.policy, 'shop');
    assert.equal(error.details?.path, 'Statement[0].Effect');
  });

  it('puts a single problem on one line', () => {
    assert.throws(() => parsePolicy(withAction('queue:Sned')), {
      message:
        "The policy is not valid: Statement[0].Action: 'queue:Sned' matches no Gust action; did you mean queue:Send?",
    });
  });
});
