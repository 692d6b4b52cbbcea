import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes, formatDuration, formatTime, prettyJson, shortId, shortRequestId } from './format.js';
import { formatFields, formatTable } from './table.js';

describe('formatTable', () => {
  test('pads every column to its widest cell, two spaces apart, with no trailing spaces', () => {
    const text = formatTable(
      ['NAME', 'RUNTIME'],
      [
        ['hello', 'nodejs20.x'],
        ['checkout-cart', 'provided'],
      ],
    );
    assert.equal(
      text,
      ['NAME           RUNTIME', 'hello          nodejs20.x', 'checkout-cart  provided'].join('\n'),
    );
  });

  test('right-aligns columns that ask for it', () => {
    const text = formatTable(
      ['NAME', { header: 'MEMORY', align: 'right' }, 'X'],
      [
        ['a', '128 MB', 'x'],
        ['b', '1024 MB', 'y'],
      ],
    );
    assert.equal(text, ['NAME   MEMORY  X', 'a      128 MB  x', 'b     1024 MB  y'].join('\n'));
  });

  test('a header wider than its cells sets the width; missing cells print empty', () => {
    assert.equal(formatTable(['LONG HEADER', 'B'], [['x']]), 'LONG HEADER  B\nx');
  });

  test('an indent prefixes every line', () => {
    assert.equal(formatTable(['A', 'B'], [['1', '2']], { indent: '  ' }), '  A  B\n  1  2');
  });

  test('no rows prints just the header', () => {
    assert.equal(formatTable(['A', 'B'], []), 'A  B');
  });
});

test('formatFields aligns values after their labels', () => {
  assert.equal(
    formatFields([
      ['Name', 'hello'],
      ['Memory', '256 MB'],
    ]),
    'Name:    hello\nMemory:  256 MB',
  );
});

describe('formats', () => {
  test('durations keep about three significant digits, in ms', () => {
    assert.equal(formatDuration(0.4242), '0.42 ms');
    assert.equal(formatDuration(1.834), '1.83 ms');
    assert.equal(formatDuration(12.345), '12.3 ms');
    assert.equal(formatDuration(245.6), '246 ms');
    assert.equal(formatDuration(12034.2), '12034 ms');
    assert.equal(formatDuration(null), '-');
  });

  test('times print as local YYYY-MM-DD HH:MM:SS.mmm', () => {
    const d = new Date(2025, 0, 2, 3, 4, 5, 6);
    assert.equal(formatTime(d.getTime()), '2025-01-02 03:04:05.006');
    assert.equal(formatTime(Number.NaN), '-');
  });

  test('ids shorten to 8 characters', () => {
    assert.equal(shortId('3f2a1b2c4d5e6f'), '3f2a1b2c');
    assert.equal(shortId('abc'), 'abc');
    assert.equal(shortId(null), '-');
    assert.equal(
      shortRequestId('01a21a27-e939-7001-b691-542f66e8e521'),
      '66e8e521',
      'request ids keep their random tail',
    );
  });

  test('sizes use B, KB and MB', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(2048), '2.0 KB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
  });

  test('prettyJson indents JSON and leaves other text alone', () => {
    assert.equal(prettyJson('{"a":1}'), '{\n  "a": 1\n}');
    assert.equal(prettyJson('not json'), 'not json');
  });
});
