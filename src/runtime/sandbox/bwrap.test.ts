import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SANDBOX_LIMITS, sandboxCommand } from './bwrap.js';

const base = {
  command: '/usr/bin/node',
  args: ['/opt/gust/bootstrap.js'],
  codeDir: '/data/code/abc',
  cwd: '/data/code/abc',
  tmpDir: '/data/tmp/123',
  runtimePaths: [],
  nodeBinary: '/usr/bin/node',
  limits: { processes: 10, openFiles: 20, fileSizeMB: 1 },
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
  it('binds the code read-only at its own path and the tmp dir writable at /tmp and its own path', () => {
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
    assert.deepEqual(pairs(args, '--bind'), [
      [base.tmpDir, '/tmp'],
      [base.tmpDir, base.tmpDir],
    ]);
    assert.ok(args.includes('--unshare-net'));
    assert.ok(!pairs(args, '--ro-bind').some(([src]) => src === '/etc/resolv.conf'));
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
  });
});
