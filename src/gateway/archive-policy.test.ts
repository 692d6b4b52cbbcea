import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArchivePolicy } from './archive-policy.js';

const file = (path: string, size = 1) => ({ path, type: 'File', size });

describe('ArchivePolicy', () => {
  it('allows files, folders and symlinks that stay inside', () => {
    const policy = new ArchivePolicy();
    assert.equal(policy.check(file('./gust.yaml')), undefined);
    assert.equal(policy.check({ path: 'node_modules/', type: 'Directory', size: 0 }), undefined);
    assert.equal(
      policy.check({
        path: 'node_modules/.bin/tool',
        type: 'SymbolicLink',
        linkpath: '../tool/cli.js',
        size: 0,
      }),
      undefined,
    );
  });

  it('refuses absolute paths, .. segments and Windows drive paths', () => {
    const policy = new ArchivePolicy();
    assert.match(policy.check(file('/etc/passwd')) ?? '', /absolute/);
    assert.match(policy.check(file('C:/evil')) ?? '', /absolute/);
    assert.match(policy.check(file('a/../../b')) ?? '', /'\.\.'/);
    assert.match(policy.check(file('a\\..\\b')) ?? '', /'\.\.'/);
  });

  it('caps the total unpacked size', () => {
    const policy = new ArchivePolicy({ maxExtractedBytes: 10, maxEntries: 100 });
    assert.equal(policy.check(file('a', 6)), undefined);
    assert.match(policy.check(file('b', 6)) ?? '', /more than 10 bytes/);
  });

  it('caps the number of entries', () => {
    const policy = new ArchivePolicy({ maxExtractedBytes: 1000, maxEntries: 2 });
    assert.equal(policy.check(file('a')), undefined);
    assert.equal(policy.check({ path: 'd/', type: 'Directory', size: 0 }), undefined);
    assert.match(policy.check(file('c')) ?? '', /more than 2 entries/);
  });

  it('refuses symlinks to absolute or escaping targets', () => {
    const policy = new ArchivePolicy();
    assert.match(
      policy.check({ path: 'x', type: 'SymbolicLink', linkpath: '/etc', size: 0 }) ?? '',
      /absolute/,
    );
    assert.match(
      policy.check({ path: 'a/x', type: 'SymbolicLink', linkpath: '../../y', size: 0 }) ?? '',
      /outside/,
    );
  });
});
