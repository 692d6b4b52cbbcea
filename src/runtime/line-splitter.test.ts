import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter, TRUNCATION_MARKER } from './line-splitter.js';

function split(chunks: Array<string | Uint8Array>, max?: number, flush = true): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), max);
  for (const chunk of chunks) splitter.push(chunk);
  if (flush) splitter.flush();
  return lines;
}

describe('LineSplitter', () => {
  it('emits a line when its newline arrives, across chunks, dropping \\r', () => {
    assert.deepEqual(split(['a\nb', 'c\r\n', '\n', 'd'], undefined, false), ['a', 'bc', '']);
    assert.deepEqual(split(['a\nb', 'c\r\n', '\n', 'd']), ['a', 'bc', '', 'd']);
  });

  it('decodes UTF-8 characters split between byte chunks', () => {
    const bytes = Buffer.from('héllo ✓\n');
    assert.deepEqual(split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]), ['héllo ✓']);
  });

  it('cuts an over-long line once, marks it, and keeps the next line intact', () => {
    const lines = split(['x'.repeat(6), 'y'.repeat(6), '\nnext\n'], 8);
    assert.deepEqual(lines, [`xxxxxxyy${TRUNCATION_MARKER}`, 'next']);
  });

  it('flushes nothing when there is no unfinished line', () => {
    assert.deepEqual(split(['a\n']), ['a']);
  });
});
