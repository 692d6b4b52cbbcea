import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { invoke, type RunningServer, startServer, waitFor, writeApp } from './harness.js';

/**
 * Secrets end to end: a secret set through the CLI (value on stdin), referenced in a function's
 * environment, printed and thrown by that function. Every place output lands shows the redaction
 * marker, and after the server stops no file of its data directory holds the value in any form.
 */

const VALUE = `e2e-${randomBytes(18).toString('base64url')}`;
const MARKER = '[REDACTED:e2e/token]';
const FORMS = {
  value: Buffer.from(VALUE),
  base64: Buffer.from(Buffer.from(VALUE).toString('base64')),
  base64url: Buffer.from(Buffer.from(VALUE).toString('base64url')),
  hex: Buffer.from(Buffer.from(VALUE).toString('hex')),
};

const APP = {
  'gust.yaml': `
service: vault
functions:
  leaky:
    handler: leaky.handler
    environment:
      TOKEN: \${secret:e2e/token}
      URL: https://user:\${secret:e2e/token}@example.test/
`,
  'leaky.js': `
    exports.handler = async (event) => {
      const token = process.env.TOKEN;
      if (event.digest) {
        const { createHash } = require('node:crypto');
        return { digest: createHash('sha256').update(token).digest('hex'), embedded: process.env.URL.includes(token) };
      }
      console.log('the token is', token);
      console.log('as base64:', Buffer.from('Bearer ' + token).toString('base64'));
      throw new Error('cannot connect with ' + token);
    };`,
};

/** Every regular file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const hasNoValue = (text: string, where: string) => {
  assert.ok(!text.includes(VALUE), `${where} does not contain the value`);
};

describe('secrets end to end', () => {
  let server: RunningServer;
  let appDir: string;

  before(async () => {
    // Started with another app: the secret must exist before an app that refers to it deploys.
    server = await startServer({
      'gust.yaml': 'service: other\nfunctions:\n  hello:\n    handler: hello.handler\n',
      'hello.js': 'exports.handler = async () => "hi";',
    });
    appDir = writeApp(APP);
  });
  after(async () => {
    await server.stop();
    rmSync(appDir, { recursive: true, force: true });
  });

  it('refuses to deploy a function whose secret does not exist yet, naming the variable', async () => {
    const deploy = await server.cli(['deploy', appDir]);
    assert.equal(deploy.code, 1);
    assert.match(deploy.stderr, /functions\.leaky\.environment\.TOKEN: secret 'e2e\/token' does not exist/);
  });

  it('stores a secret from stdin without echoing it, and deploys a function that refers to it', async () => {
    const set = await server.cli(['secrets', 'set', 'e2e/token', '--description', 'e2e'], {
      input: `${VALUE}\n`,
    });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^Stored secret 'e2e\/token' \(version [0-9a-f]{8}\)\.\n$/);
    hasNoValue(set.stdout + set.stderr, 'the output of set');
    const ls = await server.cli(['secrets', 'ls']);
    assert.match(ls.stdout, /e2e\/token/);
    hasNoValue(ls.stdout, 'the listing');
    const get = await server.cli(['secrets', 'get', 'e2e/token']);
    assert.equal(get.stdout, `${VALUE}\n`, 'get prints the value (the one command that does)');
    const deploy = await server.cli(['deploy', appDir]);
    assert.equal(deploy.code, 0, deploy.stderr);
  });

  it('gives the function the value, whole and embedded in another variable', async () => {
    const res = await invoke(server.url, 'leaky', { digest: true });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { digest: createHash('sha256').update(VALUE).digest('hex'), embedded: true });
  });

  it('redacts the value from the Invoke API error, the logs, the invocation record and gust logs', async () => {
    const res = await invoke(server.url, 'leaky', {}, { 'X-Amz-Log-Type': 'Tail' });
    assert.equal(res.headers.get('x-amz-function-error'), 'Unhandled');
    hasNoValue(res.text, 'the Invoke API error');
    assert.match(res.text, /cannot connect with \[REDACTED:e2e\/token\]/);
    const tail = Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8');
    assert.ok(tail.includes(`the token is ${MARKER}`), tail);
    hasNoValue(tail, 'the log tail');

    const logs = await waitFor('the log lines', async () => {
      const body = await server.api<unknown>('/_gust/v1/functions/leaky/logs');
      const text = JSON.stringify(body);
      return text.includes('as base64') && text.includes('cannot connect') ? text : undefined;
    });
    hasNoValue(logs, 'the stored logs');
    assert.ok(!logs.includes(FORMS.base64.toString()), 'the base64 form is redacted too');
    assert.ok(logs.includes(MARKER));

    const records = await waitFor('the invocation record', async () => {
      const text = JSON.stringify(await server.api<unknown>('/_gust/v1/functions/leaky/invocations'));
      return text.includes('"error"') ? text : undefined;
    });
    hasNoValue(records, 'the invocation records');
    assert.ok(records.includes(`cannot connect with ${MARKER}`), records);

    const cliLogs = await server.cli(['logs', 'leaky']);
    assert.equal(cliLogs.code, 0, cliLogs.stderr);
    hasNoValue(cliLogs.stdout, 'gust logs');
    assert.ok(cliLogs.stdout.includes(MARKER));
  });

  it('leaves no trace of the value, in any encoding, in any file of the data directory', async () => {
    const exited = new Promise((resolve) => server.process.once('exit', resolve));
    server.process.kill('SIGTERM');
    await exited;
    const all = files(server.dataDir);
    assert.ok(
      all.some((f) => f.endsWith('gust.db')),
      `the database is among ${all.join(', ')}`,
    );
    for (const file of all) {
      const bytes = readFileSync(file);
      for (const [form, needle] of Object.entries(FORMS)) {
        assert.equal(bytes.indexOf(needle), -1, `${file} holds the ${form} form of the value`);
      }
    }
  });
});
