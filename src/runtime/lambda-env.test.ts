import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildLambdaEnv, isReservedEnvName, minimalSpawnEnv } from './lambda-env.js';
import { specFor } from './test-support.js';

describe('Lambda environment', () => {
  it('lets a function override defaults but not reserved names', () => {
    const spec = specFor('/code', {
      functionName: 'env',
      environment: { LANG: 'C', AWS_REGION: 'mars-1', _HANDLER: 'x.y', AWS_LAMBDA_FOO: 'no', API_KEY: 'k' },
    });
    const env = buildLambdaEnv(spec, { tmpDir: '/t', logStreamName: 's', initializationType: 'on-demand' });
    assert.equal(env.LANG, 'C');
    assert.equal(env.API_KEY, 'k');
    assert.equal(env.AWS_REGION, 'eu-west-1');
    assert.equal(env._HANDLER, 'index.handler');
    assert.equal(env.AWS_LAMBDA_FOO, undefined);
    assert.ok(isReservedEnvName('AWS_LAMBDA_ANYTHING'));
    assert.ok(!isReservedEnvName('AWS_ACCESS_KEY_ID'), "credentials are the function's to set");
  });

  it('sets the Runtime API and omits AWS_EXECUTION_ENV and NODE_PATH for provided', () => {
    const spec = specFor('/code', { runtime: 'provided' });
    const env = buildLambdaEnv(spec, {
      tmpDir: '/t',
      logStreamName: 's',
      initializationType: 'provisioned-concurrency',
      runtimeApi: '127.0.0.1:9001',
    });
    assert.equal(env.AWS_LAMBDA_RUNTIME_API, '127.0.0.1:9001');
    assert.equal(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'provisioned-concurrency');
    assert.equal(env.AWS_EXECUTION_ENV, undefined);
    assert.equal(env.NODE_PATH, undefined);
    assert.equal(env.TMPDIR, '/t');
  });

  it('spawns generic processes with PATH, LANG and HOME only', () => {
    assert.deepEqual(Object.keys(minimalSpawnEnv('/t')).sort(), ['HOME', 'LANG', 'PATH']);
  });
});
