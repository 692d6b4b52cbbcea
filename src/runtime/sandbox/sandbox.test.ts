import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { readTreeRssKB } from '../memory-monitor.js';
import { createInstancePool } from '../pool.js';
import {
  makeTempDir,
  processExists,
  removeDir,
  request,
  specFor,
  waitFor,
  writeFunction,
} from '../test-support.js';
import type { FunctionSpec, Instance, InstancePool } from '../types.js';
import { detectSandbox } from './bwrap.js';

const support = await detectSandbox();
if (!support.available && process.env.CI) {
  throw new Error(`CI requires working sandboxes, but: ${support.reason}`);
}
const skip = support.available ? false : `bubblewrap sandboxes unavailable here (${support.reason})`;

/** Every hostile attempt, chosen by `event.action`; each returns { ok, value } or { ok: false, code }. */
const HOSTILE = `
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
const attempt = (f) => {
  try { return { ok: true, value: String(f() ?? '').slice(0, 500) }; }
  catch (e) { return { ok: false, code: e.code ?? String(e) }; }
};
export const handler = async (e) => {
  switch (e.action) {
    case 'read': return attempt(() => readFileSync(e.path, 'utf8'));
    case 'write': return attempt(() => writeFileSync(e.path, 'x'));
    case 'big': return attempt(() => writeFileSync('/tmp/big', Buffer.alloc(e.bytes)));
    case 'fill': {
      // Writes 256 KB files until the disk refuses, then frees them again.
      let written = 0;
      let code = null;
      const chunk = Buffer.alloc(256 * 1024, 1);
      for (let i = 0; i < 100_000 && code === null; i++) {
        try { writeFileSync(e.dir + '/fill-' + i, chunk); written += chunk.length; }
        catch (err) { code = err.code ?? String(err); }
      }
      for (const name of readdirSync(e.dir)) if (name.startsWith('fill-')) rmSync(e.dir + '/' + name);
      return { written, code };
    }
    case 'kill': return attempt(() => process.kill(e.pid, 'SIGTERM'));
    case 'forkbomb': {
      let spawned = 0;
      let error = null;
      for (let i = 0; i < 500; i++) {
        try {
          const child = spawn('sleep', ['600'], { stdio: 'ignore' });
          child.on('error', () => {});
          if (child.pid === undefined) { error = 'no pid'; break; }
          spawned++;
        } catch (err) { error = err.code ?? String(err); break; }
      }
      return { spawned, error };
    }
    case 'connect':
      return new Promise((resolve) => {
        const socket = connect(e.port, e.host ?? '127.0.0.1');
        socket.on('connect', () => { socket.destroy(); resolve({ ok: true }); });
        socket.on('error', (err) => resolve({ ok: false, code: err.code }));
      });
    case 'normal':
      writeFileSync('/tmp/note', 'written');
      return {
        event: e,
        uid: process.getuid(),
        note: readFileSync(process.env.TMPDIR + '/note', 'utf8'),
        name: process.env.AWS_LAMBDA_FUNCTION_NAME,
        own: process.env.OWN,
      };
  }
};
`;

/** A bash bootstrap that, per event, tries an HTTP request to the host's listener on TARGET_PORT. */
const OFFLINE_BOOTSTRAP = `#!/bin/bash
set -euo pipefail
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  # curl's exit status: 7 = could not connect; other failures mean it connected.
  NET=0
  curl -s -o /dev/null --max-time 3 "http://127.0.0.1:$TARGET_PORT/" || NET=$?
  curl -sS "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$ID/response" \\
    -d "{\\"event\\": $EVENT, \\"api\\": \\"$AWS_LAMBDA_RUNTIME_API\\", \\"net\\": $NET}"
done
`;

const PROVIDED_BOOTSTRAP = `#!/bin/bash
set -euo pipefail
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  SECRET=$(cat "$SECRET_PATH" 2>/dev/null || echo denied)
  curl -sS "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$ID/response" \\
    -d "{\\"event\\": $EVENT, \\"uid\\": $(id -u), \\"secret\\": \\"$SECRET\\"}"
done
`;

describe('sandboxed instances (bubblewrap)', { skip }, () => {
  let root: string;
  let dataDir: string;
  let pool: InstancePool;
  let hostile: FunctionSpec;
  let offline: FunctionSpec;
  let other: FunctionSpec;
  let server: Server;
  let port: number;
  let connections = 0;
  const held: Instance[] = [];

  before(async () => {
    root = makeTempDir('sandbox');
    // The sandbox's host user must be able to reach the code (as Gust's code store allows).
    chmodSync(root, 0o755);
    dataDir = join(root, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'master.key'), 'TOP-SECRET-KEY');
    writeFileSync(join(dataDir, 'gust.db'), 'SQLite format 3');
    const code = { 'index.mjs': HOSTILE };
    hostile = specFor(writeFunction(root, 'hostile', code), { functionName: 'hostile' });
    offline = specFor(writeFunction(root, 'offline', code), { functionName: 'offline', network: 'none' });
    other = specFor(writeFunction(root, 'other', code), {
      functionName: 'other',
      environment: { OWN: 'other-secret' },
    });
    pool = createInstancePool({
      clock: systemClock,
      dataDir,
      sandbox: 'bwrap',
      sandboxLimits: { processes: 64, fileSizeMB: 1, tmpSizeMB: 4 },
    });
    await pool.start();
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    // On every interface, so that an attempt through the host's own address is seen too.
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.address() as { port: number }).port;
  });

  after(async () => {
    for (const instance of held) pool.release(instance);
    await pool.stop();
    server.close();
    removeDir(root);
  });

  /** Invokes `spec` with `event` on an instance kept busy (so the test can look at it) and returns the result. */
  // biome-ignore lint/suspicious/noExplicitAny: the hostile function returns many shapes, asserted field by field.
  async function run(spec: FunctionSpec, event: unknown): Promise<{ result: any; instance: Instance }> {
    const acquired = await pool.acquire(spec, () => {});
    assert.ok(acquired.ok, JSON.stringify(!acquired.ok && acquired.error));
    const outcome = await acquired.instance.invoke(request(event), () => {});
    assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.error));
    pool.release(acquired.instance);
    return { result: JSON.parse(outcome.payload), instance: acquired.instance };
  }

  /** After every hostile attempt the platform must still serve a normal function, sandboxed as before. */
  async function assertStillServing(): Promise<void> {
    const { result } = await run(other, { action: 'normal', after: 'attack' });
    assert.equal(result.uid, 65534);
    assert.equal(result.own, 'other-secret');
    assert.equal(result.note, 'written');
  }

  it('runs a normal function as an unprivileged user with its event, environment and a writable /tmp', async () => {
    const { result } = await run(other, { action: 'normal', hello: 'world' });
    assert.deepEqual(result, {
      event: { action: 'normal', hello: 'world' },
      uid: 65534,
      note: 'written',
      name: 'other',
      own: 'other-secret',
    });
  });

  it("cannot read the platform's master key or database", async () => {
    for (const file of ['master.key', 'gust.db']) {
      const { result } = await run(hostile, { action: 'read', path: join(dataDir, file) });
      assert.equal(result.ok, false);
      assert.ok(['ENOENT', 'EACCES'].includes(result.code), result.code);
    }
    await assertStillServing();
  });

  it("cannot read another function's code", async () => {
    const { result } = await run(hostile, { action: 'read', path: join(other.codeDir, 'index.mjs') });
    assert.equal(result.ok, false);
    assert.ok(['ENOENT', 'EACCES'].includes(result.code), result.code);
    await assertStillServing();
  });

  it("cannot read another function's environment or the host's /proc/1/environ", async () => {
    const { instance } = await run(other, { action: 'normal' });
    const otherPid = (instance as Instance & { pid?: number }).pid;
    assert.ok(otherPid !== undefined);
    const { result: otherEnv } = await run(hostile, { action: 'read', path: `/proc/${otherPid}/environ` });
    assert.ok(otherEnv.ok === false || !otherEnv.value.includes('other-secret'));
    const { result: init } = await run(hostile, { action: 'read', path: '/proc/1/environ' });
    const hostInit = (() => {
      try {
        return readFileSync('/proc/1/environ', 'utf8');
      } catch {
        return null;
      }
    })();
    if (init.ok) {
      assert.notEqual(init.value, hostInit?.slice(0, 500));
      assert.ok(!init.value.includes('other-secret'));
    }
    await assertStillServing();
  });

  it('cannot signal the platform process', async () => {
    const { result } = await run(hostile, { action: 'kill', pid: process.pid });
    assert.equal(result.ok, false);
    assert.ok(['ESRCH', 'EPERM'].includes(result.code), result.code);
    await assertStillServing();
  });

  it('cannot write outside /tmp, nor to its own code', async () => {
    // The data dir may sit under the host's /tmp, which in the sandbox is the instance's own tmp
    // dir: a write there may succeed, but must not reach the host.
    await run(hostile, { action: 'write', path: join(dataDir, 'evil') });
    assert.equal(existsSync(join(dataDir, 'evil')), false);
    for (const path of ['/usr/evil', '/evil', '/etc/evil', join(hostile.codeDir, 'evil.js')]) {
      const { result } = await run(hostile, { action: 'write', path });
      assert.equal(result.ok, false, path);
      assert.ok(['EROFS', 'EACCES', 'ENOENT', 'EPERM'].includes(result.code), `${path}: ${result.code}`);
    }
    await assertStillServing();
  });

  it('cannot write a file larger than the file size limit', async () => {
    const { result: small } = await run(hostile, { action: 'big', bytes: 512 * 1024 });
    assert.equal(small.ok, true);
    const { result: big } = await run(hostile, { action: 'big', bytes: 4 * 1024 * 1024 });
    assert.equal(big.ok, false);
    assert.equal(big.code, 'EFBIG');
    await assertStillServing();
  });

  it('stops a fork bomb at the process limit while other functions keep being served', async () => {
    const acquired = await pool.acquire(hostile, () => {});
    assert.ok(acquired.ok);
    held.push(acquired.instance);
    const outcome = await acquired.instance.invoke(request({ action: 'forkbomb' }), () => {});
    assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.error));
    const bomb = JSON.parse(outcome.payload);
    assert.ok(bomb.spawned < 64, `spawned ${bomb.spawned}`);
    assert.notEqual(bomb.error, null);
    // The bomb's processes are still running: the limit is per instance, not shared by uid 65534.
    const { result } = await run(other, { action: 'normal' });
    assert.equal(result.uid, 65534);
    // Killing the instance takes every process of its sandbox with it.
    const pid = (acquired.instance as Instance & { pid?: number }).pid;
    const descendants = treeOf(pid!);
    assert.ok(descendants.length > bomb.spawned, `${descendants.length} descendants`);
    acquired.instance.kill('test');
    await (acquired.instance as Instance & { closed: Promise<void> }).closed;
    // The PID namespace is torn down by the kernel once its init dies, shortly after bwrap itself.
    await waitFor(() => descendants.every((child) => !processExists(child)), 'the sandbox processes to end');
    await assertStillServing();
  });

  it('with network none cannot open a TCP connection; with outbound it can', async () => {
    const { result: blocked } = await run(offline, { action: 'connect', port });
    assert.equal(blocked.ok, false);
    assert.equal(connections, 0);
    const { result: allowed } = await run(hostile, { action: 'connect', port });
    assert.equal(allowed.ok, true);
    // The client's connect completes before the listener's 'connection' event has run.
    await waitFor(() => connections === 1, 'the listener to see the connection');
    assert.equal(connections, 1);
    await assertStillServing();
  });

  it('with network none cannot reach the host through its external address either', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && !address.internal && address.family === 'IPv4');
    if (!external) return t.skip('this machine has no external IPv4 address');
    const before = connections;
    const { result } = await run(offline, { action: 'connect', port, host: external.address });
    assert.equal(result.ok, false);
    assert.ok(['ENETUNREACH', 'EHOSTUNREACH', 'ECONNREFUSED'].includes(result.code), result.code);
    assert.equal(connections, before);
    await assertStillServing();
  });

  it('cannot fill the disk: /tmp refuses writes past its size, /dev is read-only, and the space comes back', async () => {
    const filler = specFor(writeFunction(root, 'filler', { 'index.mjs': HOSTILE }), {
      functionName: 'filler',
    });
    const { result: tmp } = await run(filler, { action: 'fill', dir: '/tmp' });
    assert.equal(tmp.code, 'ENOSPC');
    // The pool gives this sandbox a 4 MB /tmp.
    assert.ok(tmp.written > 0 && tmp.written <= 4 * 1024 * 1024, `wrote ${tmp.written} bytes`);
    // bwrap's /dev is a tmpfs as large as half the machine's memory: it must not be writable.
    for (const dir of ['/dev/shm', '/dev']) {
      const { result } = await run(filler, { action: 'fill', dir });
      assert.equal(result.written, 0, dir);
      assert.ok(['EROFS', 'EACCES'].includes(result.code), `${dir}: ${result.code}`);
    }
    // Nothing reached the host's disk under the instance's tmp dir.
    assert.deepEqual(
      readdirSync(join(dataDir, 'tmp')).filter((name) => name.includes('fill')),
      [],
    );
    // The fill freed its files: the same warm instance can write again.
    const { result: again } = await run(filler, { action: 'big', bytes: 512 * 1024 });
    assert.equal(again.ok, true);
    await assertStillServing();
  });

  it('counts the sandboxed process in the instance memory', async () => {
    const acquired = await pool.acquire(hostile, () => {});
    assert.ok(acquired.ok);
    const pid = (acquired.instance as Instance & { pid?: number }).pid;
    const rssKB = await readTreeRssKB(pid!);
    pool.release(acquired.instance);
    // bwrap alone is a few MB; Node.js inside it is tens of MB.
    assert.ok(rssKB !== null && rssKB > 20_000, `${rssKB} KB`);
  });

  it('runs a provided function with network none: it reaches its own Runtime API and nothing else', async () => {
    const codeDir = writeFunction(root, 'bash-offline', { bootstrap: OFFLINE_BOOTSTRAP });
    const spec = specFor(codeDir, {
      functionName: 'bash-offline',
      runtime: 'provided',
      handler: 'function.handler',
      network: 'none',
      environment: { TARGET_PORT: String(port) },
    });
    const before = connections;
    const { result } = await run(spec, { n: 2 });
    assert.deepEqual(result, { event: { n: 2 }, api: '127.0.0.1:9001', net: 7 });
    assert.equal(connections, before);
    // The same bootstrap with outbound network does reach the listener (so the 7 above means something).
    const online = specFor(codeDir, { ...spec, functionName: 'bash-online', network: 'outbound' });
    const { result: reached } = await run(online, { n: 3 });
    // Not 7: it connected (the listener closes at once, so curl then fails with 52 or 56).
    assert.notEqual(reached.net, 7);
    await waitFor(() => connections === before + 1, 'the listener to see the connection');
    await assertStillServing();
  });

  it('runs a provided bash bootstrap that uses curl against its Runtime API', async () => {
    const codeDir = writeFunction(root, 'bash', { bootstrap: PROVIDED_BOOTSTRAP });
    const spec = specFor(codeDir, {
      functionName: 'bash',
      runtime: 'provided',
      handler: 'function.handler',
      environment: { SECRET_PATH: join(dataDir, 'master.key') },
    });
    const { result } = await run(spec, { n: 1 });
    assert.deepEqual(result, { event: { n: 1 }, uid: 65534, secret: 'denied' });
  });
});

/** Pids of every descendant of `pid` (Linux /proc). */
function treeOf(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    try {
      const children = readFileSync(`/proc/${next}/task/${next}/children`, 'utf8')
        .split(' ')
        .filter((s) => s.trim() !== '')
        .map(Number);
      out.push(...children);
      queue.push(...children);
    } catch {
      // Gone.
    }
  }
  return out;
}
