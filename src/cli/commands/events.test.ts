import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';
import type { ApiRule } from './rules.js';

const rules: ApiRule[] = [
  {
    name: 'audit-rule-1',
    bus: 'default',
    pattern: { source: ['shop'], detail: { total: [{ numeric: ['>', 100] }], note: ['a very long value'] } },
    targets: ['function:audit'],
    service: 'shop',
    function: 'audit',
  },
  {
    name: 'archive',
    bus: 'orders',
    pattern: { source: ['shop'] },
    targets: ['queue:archive', 'function:ship'],
    service: 'shop',
    function: null,
    inputTransformer: { inputTemplate: '"x"' },
  },
];

let api: FakeApi;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gust-cli-events-'));
  api = await startFakeApi({
    'POST /_gust/v1/events': (req) => {
      const body = JSON.parse(req.body.toString()) as { bus?: string };
      return { body: { eventId: 'evt-1', bus: body.bus ?? 'default', matchedRules: ['audit-rule-1'] } };
    },
    'GET /_gust/v1/rules': (req) => ({
      body: { rules: rules.filter((r) => !req.query.get('bus') || r.bus === req.query.get('bus')) },
    }),
  });
});
after(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gust events publish', () => {
  test('sends the event and prints its id, with the matched rules on stderr', async () => {
    const { code, stdout, stderr } = await runAgainst(api.url, [
      'events',
      'publish',
      '--source',
      'shop',
      '--detail-type',
      'OrderPlaced',
      '--detail',
      '{"id": 1}',
      '--bus',
      'orders',
      '--resource',
      'arn:a',
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'evt-1\n');
    assert.equal(stderr, "Published on bus 'orders'; matched rule audit-rule-1.\n");
    const sent = JSON.parse(api.requests.at(-1)?.body.toString() ?? '{}');
    assert.deepEqual(sent, {
      source: 'shop',
      detailType: 'OrderPlaced',
      detail: { id: 1 },
      bus: 'orders',
      resources: ['arn:a'],
    });
  });

  test('reads the detail from a file with @', async () => {
    writeFileSync(join(dir, 'detail.json'), '{"from": "file"}');
    const { code } = await runAgainst(
      api.url,
      ['events', 'publish', '--source', 's', '--detail-type', 't', '--detail', '@detail.json'],
      { cwd: dir },
    );
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(api.requests.at(-1)?.body.toString() ?? '{}').detail, { from: 'file' });
  });

  test('refuses a detail that is not a JSON object before sending anything', async () => {
    const before = api.requests.length;
    for (const detail of ['{nope', '[1]']) {
      const { code, stderr } = await runAgainst(api.url, [
        'events',
        'publish',
        '--source',
        's',
        '--detail-type',
        't',
        '--detail',
        detail,
      ]);
      assert.equal(code, 2);
      assert.match(stderr, /--detail/);
    }
    assert.equal(api.requests.length, before);
  });
});

describe('gust rules ls', () => {
  test('prints rule, bus, a shortened pattern and the targets', async () => {
    const { code, stdout } = await runAgainst(api.url, ['rules', 'ls']);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^RULE\s+BUS\s+PATTERN\s+TARGETS$/);
    assert.match(
      lines[1] ?? '',
      /^audit-rule-1\s+default\s+\{"source":\["shop"\],"detail":\{"total.*\.\.\.\s+function:audit$/,
    );
    assert.match(
      lines[2] ?? '',
      /^archive\s+orders\s+\{"source":\["shop"\]\}\s+queue:archive, function:ship \(transformed\)$/,
    );
  });

  test('filters by bus and prints JSON with --json', async () => {
    const { stdout } = await runAgainst(api.url, ['rules', 'ls', '--bus', 'orders', '--json']);
    assert.deepEqual(
      (JSON.parse(stdout) as { rules: ApiRule[] }).rules.map((r) => r.name),
      ['archive'],
    );
  });
});
