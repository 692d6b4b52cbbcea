import { GustError, isGustError } from '../core/errors.js';
import type { DeployHook } from '../functions/control-plane.js';
import type { Manifest, ManifestQueue } from '../functions/manifest.js';
import type { QueueConfig } from '../store/queue-repository.js';
import { queueConfig } from './limits.js';
import type { QueueService } from './queue-service.js';
import { isSystemQueue } from './system-queues.js';

function configOf(q: ManifestQueue): Partial<QueueConfig> {
  const config: Partial<QueueConfig> = {};
  if (q.visibilityTimeoutSec !== undefined) config.visibilityTimeoutSec = q.visibilityTimeoutSec;
  if (q.maxReceiveCount !== undefined) config.maxReceiveCount = q.maxReceiveCount;
  if (q.deadLetterQueue !== undefined) config.deadLetterQueue = q.deadLetterQueue;
  if (q.retentionSec !== undefined) config.retentionSec = q.retentionSec;
  if (q.delaySec !== undefined) config.delaySec = q.delaySec;
  return config;
}

/**
 * The queues an app declares are created (or reconfigured) at deploy. A queue the manifest no
 * longer declares is kept with its messages (nothing accepted is dropped by a deploy): delete it
 * with `gust queues rm`.
 */
export function queueDeployHook(queues: QueueService): DeployHook {
  const fail = (manifest: Manifest, name: string, message: string) =>
    new GustError('ERR_INVALID_MANIFEST', `${manifest.file}: queues.${name}: ${message}`, {
      details: { file: manifest.file, issues: [{ path: `queues.${name}`, message }] },
    });
  return {
    async check(manifest) {
      for (const q of manifest.queues) {
        if (isSystemQueue(q.name))
          throw fail(manifest, q.name, 'names starting with gust- are reserved for Gust');
        try {
          queueConfig(configOf(q));
        } catch (error) {
          if (isGustError(error)) throw fail(manifest, q.name, error.message);
          throw error;
        }
        const existing = (await queues.listQueues(q.name)).find((r) => r.name === q.name);
        if (existing?.owner && existing.owner !== manifest.service) {
          throw new GustError(
            'ERR_CONFLICT',
            `${manifest.file}: queue '${q.name}' already belongs to service '${existing.owner}'.`,
          );
        }
      }
    },
    async apply(manifest) {
      // Dead-letter queues first, so a queue never points at one that does not exist yet.
      const ordered = [...manifest.queues].sort(
        (a, b) => Number(a.deadLetterQueue !== undefined) - Number(b.deadLetterQueue !== undefined),
      );
      for (const q of ordered)
        await queues.putQueue(q.name, configOf(q), { kind: 'user', owner: manifest.service });
    },
  };
}
