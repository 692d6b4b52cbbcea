import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { viewOf } from './event-view.js';
import { eventWith, matches } from './test-support.js';

describe('dotted event keys', () => {
  it('match a nested pattern, since EventBridge joins names with dots', () => {
    const pattern = { detail: { state: { status: ['running'] } } };
    assert.equal(matches(pattern, eventWith({ 'state.status': 'running' })), true);
    assert.equal(matches(pattern, eventWith({ 'state.status': { status: 'running' } })), false);
    assert.equal(
      matches({ 'detail.state.status': ['running'] }, { 'detail.state': { status: 'running' } }),
      true,
    );
  });

  it('add to nested fields that exist under the plain name', () => {
    const pattern = { detail: { a: [1], b: [2] } };
    assert.equal(matches(pattern, { detail: { a: 1 }, 'detail.b': 2 }), true);
    assert.equal(matches(pattern, { detail: { a: 1 }, 'detail.b': 3 }), false);
  });

  it('count as present for exists: false', () => {
    const pattern = { detail: { state: [{ exists: false }], other: [{ exists: false }] } };
    assert.equal(matches(pattern, { detail: { x: 1 } }), true);
    assert.equal(matches(pattern, { detail: { x: 1 }, 'detail.state': 'on' }), false);
  });

  it('are seen through a view that leaves the event unchanged', () => {
    const event = { 'a.b': 1, a: { c: 2 }, plain: true };
    const before = JSON.stringify(event);
    const view = viewOf(event);
    assert.deepEqual(JSON.parse(JSON.stringify(view)), { a: { c: 2, b: 1 }, plain: true });
    assert.equal(JSON.stringify(event), before);
    assert.equal(viewOf(event), view, 'the view is cached per object');
  });

  it('keep both values when a dotted key lands on a plain value', () => {
    const view = viewOf({ a: 1, 'a.b': 2 });
    assert.deepEqual(JSON.parse(JSON.stringify(view)), { a: [1, { b: 2 }] });
    assert.equal(matches({ a: [1] }, { a: 1, 'a.b': 2 }), true);
    assert.equal(matches({ a: { b: [2] } }, { a: 1, 'a.b': 2 }), true);
  });

  it('return objects without dotted keys as they are', () => {
    const plain = { a: { b: 1 } };
    assert.equal(viewOf(plain), plain);
  });
});
