import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../core/clock.js';
import type { AuditRepository, NewAuditEntry } from '../../store/security-repositories.js';
import { createAuditLog, isAudited } from './audit-log.js';

const entry = (action: string): NewAuditEntry => ({
  at: 1,
  principal: 'GK',
  action,
  resource: 'gust:function:a',
  outcome: 'allowed',
  status: 200,
  sourceIp: '127.0.0.1',
  requestId: 'r',
});

describe('the audit log', () => {
  it('audits control-plane changes, permission changes and secret reads, not reads or the data plane', () => {
    for (const action of [
      'function:Deploy',
      'function:Delete',
      'queue:Purge',
      'queue:Redrive',
      'keys:Create',
      'policies:Attach',
      'secrets:Get',
      'secrets:Put',
      'audit:Read',
    ]) {
      assert.equal(isAudited(action), true, action);
    }
    for (const action of [
      'function:Invoke',
      'function:List',
      'queue:Send',
      'queue:Receive',
      'events:Put',
      'keys:List',
      'nope:Nope',
    ]) {
      assert.equal(isAudited(action), false, action);
    }
  });

  it('writes entries in batches, keeps them when the store fails and writes them with the next batch', async () => {
    const clock = new FakeClock();
    const written: NewAuditEntry[][] = [];
    let failNext = true;
    const repository: AuditRepository = {
      appendMany: async (entries) => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        written.push([...entries]);
      },
      query: async () => [],
    };
    const errors: string[] = [];
    const log = createAuditLog({ repository, clock, onError: (m) => errors.push(m) });
    log.start();
    log.record(entry('function:Deploy'));
    await log.flush();
    assert.equal(written.length, 0);
    assert.equal(errors.length, 1);
    log.record(entry('queue:Purge'));
    await log.stop();
    assert.deepEqual(
      written.flat().map((e) => e.action),
      ['function:Deploy', 'queue:Purge'],
    );
  });
});
