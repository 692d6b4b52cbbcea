import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SANDBOX_LIMITS, SANDBOX_RUNTIME_API_DIR, sandboxCommand } from './bwrap.js';

const base = {
  command: '/usr/bin/node',
  args: ['/opt/gust/bootstrap.js'],
  codeDir: '/data/code/abc',
  cwd: '/data/code/abc',
  tmpDir: '/data/tmp/123',
  runtimePaths: [],
  nodeBinary: '/usr/bin/node',
  limits: { processes: 10, openFiles: 20, fileSizeMB: 1, tmpSizeMB: 3 },
} as const;

/** The values following each occurrence of `flag`. */
function pairs(args: string[], flag: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  args.forEach((arg, i) => {
    if (arg === flag) out.push([args[i + 1] ?? '', args[i + 2] ?? '']);
  });
  return out;
}

describe('sandboxCommand', () => {
  it('binds the code read-only at its own path and gives a sized tmpfs at /tmp, also reached at the tmp dir path', () => {
    const { command, args } = sandboxCommand({
      ...base,
      args: [...base.args],
      runtimePaths: [],
      network: 'none',
    });
    assert.equal(command, 'bwrap');
    assert.deepEqual(
      pairs(args, '--ro-bind').find(([src]) => src === base.codeDir),
      [base.codeDir, base.codeDir],
    );
    // Nothing of the host is writable: no read-write bind at all.
    assert.deepEqual(pairs(args, '--bind'), []);
    const tmpfs = args.indexOf('--tmpfs');
    assert.deepEqual(args.slice(tmpfs - 2, tmpfs + 2), [
      '--size',
      String(3 * 1024 * 1024),
      '--tmpfs',
      '/tmp',
    ]);
    assert.deepEqual(pairs(args, '--symlink'), [['/tmp', base.tmpDir]]);
    // /dev (and so /dev/shm) is read-only once made, so /tmp is the only writable place.
    assert.ok(args.indexOf('--remount-ro') > args.indexOf('--dev'));
    assert.equal(args[args.indexOf('--remount-ro') + 1], '/dev');
    assert.ok(args.includes('--unshare-net'));
    assert.ok(!pairs(args, '--ro-bind').some(([src]) => src === '/etc/resolv.conf'));
  });

  it('puts the relay in front of the command and binds its socket folder read-only', () => {
    const { args } = sandboxCommand({
      ...base,
      command: '/data/code/abc/bootstrap',
      args: [],
      runtimePaths: ['/opt/gust/relay.js'],
      network: 'none',
      relay: {
        script: '/opt/gust/relay.js',
        socketDir: '/data/tmp/123-api',
        socketName: 'api.sock',
        port: 9001,
      },
    });
    assert.deepEqual(
      pairs(args, '--ro-bind').find(([src]) => src === '/data/tmp/123-api'),
      ['/data/tmp/123-api', SANDBOX_RUNTIME_API_DIR],
    );
    const inner = args.slice(args.indexOf('/usr/bin/prlimit') + 5);
    assert.deepEqual(inner, [
      '/usr/bin/node',
      '/opt/gust/relay.js',
      `${SANDBOX_RUNTIME_API_DIR}/api.sock`,
      '9001',
      '--',
      '/data/code/abc/bootstrap',
    ]);
  });

  it('applies the limits with prlimit before the command, and shares the network when outbound', () => {
    const { args } = sandboxCommand({ ...base, args: [...base.args], runtimePaths: [], network: 'outbound' });
    assert.ok(!args.includes('--unshare-net'));
    const inner = args.slice(args.indexOf('--') + 1);
    assert.deepEqual(inner, [
      '/usr/bin/prlimit',
      '--nproc=10',
      '--nofile=20',
      `--fsize=${1024 * 1024}`,
      '--',
      '/usr/bin/node',
      '/opt/gust/bootstrap.js',
    ]);
    assert.equal(DEFAULT_SANDBOX_LIMITS.processes, 256);
    assert.equal(DEFAULT_SANDBOX_LIMITS.tmpSizeMB, 512);
  });
});
