import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type GustError, isGustError } from '../../core/errors.js';
import { parseManifest } from '../../functions/manifest.js';
import { ruleDeployHook } from './deploy-rules.js';
import { type BusFixture, busFixture } from './test-support.js';

let fx: BusFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const manifest = (body: string, service = 'shop') =>
  parseManifest(`service: ${service}\n${body}`, 'gust.yaml');

const APP = `
queues:
  archive:
functions:
  audit:
    handler: a.handler
    events:
      - http: GET /audit
      - eventBridge:
          pattern: { source: [shop], detail: { total: [{ numeric: [">", 10] }] } }
rules:
  keep: { pattern: { source: [shop] }, targets: [queue:archive] }
`;

/** The error `check` throws, or a failure when it accepts the manifest. */
async function refusal(fx: BusFixture, body: string, service?: string): Promise<GustError> {
  const hook = ruleDeployHook(fx.bus, fx.store);
  try {
    await hook.check?.(manifest(body, service));
  } catch (error) {
    assert.ok(isGustError(error), String(error));
    return error;
  }
  assert.fail('the deploy was accepted');
}

describe('rules at deploy', () => {
  it('accept valid patterns and store the top-level rules, which the bus then routes by', async () => {
    fx = await busFixture();
    const hook = ruleDeployHook(fx.bus, fx.store);
    const m = manifest(APP);
    await hook.check?.(m);
    await hook.apply?.(m, { service: 'shop', functions: [], removed: [] });
    assert.deepEqual(await fx.store.rules.list(), [
      {
        service: 'shop',
        bus: 'default',
        name: 'keep',
        pattern: { source: ['shop'] },
        targets: ['queue:archive'],
      },
    ]);
    assert.deepEqual(
      fx.bus.rules().map((r) => r.name),
      ['keep'],
    );
    await hook.apply?.(manifest(APP.replace(/rules:[\s\S]*$/, '')), {
      service: 'shop',
      functions: [],
      removed: [],
    });
    assert.deepEqual(fx.bus.rules(), []);
  });

  it("refuse an invalid pattern in a function's events with the event's path and the reason", async () => {
    fx = await busFixture();
    const error = await refusal(fx, APP.replace('[">", 10]', '[">", "ten"]'));
    assert.equal(error.code, 'ERR_INVALID_MANIFEST');
    assert.match(
      error.message,
      /^gust\.yaml: functions\.audit\.events\.1\.eventBridge\.pattern\.detail\.total\[0\]\.numeric/,
    );
    const issues = (error.details?.issues ?? []) as { path: string; message: string }[];
    assert.equal(issues.length, 1);
    assert.match(
      issues[0]?.path ?? '',
      /^functions\.audit\.events\.1\.eventBridge\.pattern\.detail\.total\[0\]\.numeric/,
    );
    assert.ok(
      !(issues[0]?.message ?? '').startsWith('pattern'),
      'the message is the reason, without the path',
    );
  });

  it('refuse invalid top-level patterns and input transformers, every problem at once', async () => {
    fx = await busFixture();
    const error = await refusal(
      fx,
      APP.replace(
        'keep: { pattern: { source: [shop] }, targets: [queue:archive] }',
        `keep: { pattern: { source: shop }, targets: [queue:archive] }
  shape:
    pattern: { source: [shop] }
    targets: [queue:archive]
    inputTransformer: { inputPathsMap: { id: detail.id }, inputTemplate: "<id>" }`,
      ),
    );
    assert.deepEqual(
      ((error.details?.issues ?? []) as { path: string }[]).map((i) => i.path),
      ['rules.keep.pattern.source', 'rules.shape.inputTransformer.inputPathsMap.id'],
    );
    assert.match(
      error.message,
      /gust\.yaml: rules\.keep\.pattern\.source: .*\ngust\.yaml: rules\.shape\.inputTransformer\.inputPathsMap\.id: must start with \$/,
    );
  });

  it('refuse two rules with one name on one bus', async () => {
    fx = await busFixture();
    const error = await refusal(
      fx,
      APP.replace(
        '      - http: GET /audit',
        '      - eventBridge: { name: keep, pattern: { source: [x] } }',
      ),
    );
    assert.match(
      error.message,
      /rules\.keep: rule 'keep' on bus 'default' is also declared at functions\.audit\.events\.0\.eventBridge/,
    );
  });

  it('refuse a rule that another app owns', async () => {
    fx = await busFixture({
      topLevel: [{ bus: 'default', name: 'keep', pattern: { source: ['x'] }, targets: ['queue:q'] }],
    });
    const error = await refusal(fx, APP, 'billing');
    assert.equal(error.code, 'ERR_CONFLICT');
    assert.equal(error.message, "gust.yaml: rule 'keep' on bus 'default' already belongs to service 'shop'.");
    // The app that owns it may redeploy it.
    await ruleDeployHook(fx.bus, fx.store).check?.(manifest(APP, 'shop'));
  });
});
