// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret:NAME} is the reference syntax under test, not a template.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGustError } from '../core/errors.js';
import type { Manifest } from '../functions/manifest.js';
import { environmentResolver, findReferences, secretsDeployHook } from './secret-references.js';

const values = new Map([
  ['db/password', 'hunter2-hunter2'],
  ['api', 'key-123'],
]);
const secrets = { currentText: (name: string) => values.get(name) };
const resolve = environmentResolver(secrets);

function manifest(environment: Record<string, string>): Manifest {
  return {
    service: 'shop',
    file: 'gust.yaml',
    production: false,
    functions: [
      {
        name: 'orders',
        code: '.',
        config: {
          runtime: 'nodejs20.x',
          handler: 'h.handler',
          memoryMB: 128,
          timeoutSec: 3,
          environment,
          routes: [],
        },
      },
    ],
    queues: [],
    rules: [],
  };
}

describe('secret references in function environments', () => {
  it('replaces whole and embedded references, and leaves other values as they are', () => {
    const env = {
      PASSWORD: '${secret:db/password}',
      URL: 'postgres://app:${secret:db/password}@db/app?key=${secret:api}',
      PLAIN: 'no $ {secret:here} ${other:x}',
    };
    assert.deepEqual(resolve('orders', env), {
      PASSWORD: 'hunter2-hunter2',
      URL: 'postgres://app:hunter2-hunter2@db/app?key=key-123',
      PLAIN: 'no $ {secret:here} ${other:x}',
    });
    assert.deepEqual(env.PASSWORD, '${secret:db/password}', 'the configuration itself is not changed');
    const plain = { A: 'b' };
    assert.equal(resolve('orders', plain), plain);
  });

  it('fails an instance whose secret is gone, naming the function, variable and secret', () => {
    assert.throws(
      () => resolve('orders', { TOKEN: '${secret:deleted}' }),
      (error) =>
        isGustError(error) &&
        error.code === 'ERR_SECRET_NOT_FOUND' &&
        /Function 'orders'.*TOKEN.*secret 'deleted'/.test(error.message),
    );
  });

  it('finds malformed references', () => {
    const refs = findReferences({ A: '${secret:}', B: '${secret:bad name}', C: '${secret:ok}' });
    assert.deepEqual(
      refs.map((r) => [r.variable, r.problem !== undefined]),
      [
        ['A', true],
        ['B', true],
        ['C', false],
      ],
    );
  });

  it('refuses a deploy that refers to a missing secret or a malformed one, naming the field', async () => {
    const hook = secretsDeployHook(secrets);
    await hook.check?.(manifest({ A: '${secret:api}' }));
    await assert.rejects(
      hook.check?.(manifest({ A: '${secret:api}', B: 'x${secret:missing}', C: '${secret:a b}' })) ??
        Promise.resolve(),
      (error) => {
        assert.ok(isGustError(error) && error.code === 'ERR_INVALID_MANIFEST');
        const issues = (error.details?.issues ?? []) as { path: string; message: string }[];
        assert.deepEqual(
          issues.map((i) => i.path),
          ['functions.orders.environment.B', 'functions.orders.environment.C'],
        );
        assert.match(issues[0]?.message ?? '', /secret 'missing' does not exist.*gust secrets set missing/);
        return true;
      },
    );
  });
});
