import { GustError } from '../core/errors.js';
import type { DeployHook } from './control-plane.js';
import type { Manifest } from './manifest.js';

/**
 * Manifest features that the manifest format already describes but that this build of Gust does not
 * run yet. A deploy that uses one is refused with the field that uses it, rather than accepted and
 * silently ignored. Entries leave this list as their capabilities land.
 */
export const unavailableFeatures: DeployHook = {
  async check(manifest: Manifest) {
    const issues: { path: string; message: string }[] = [];
    const notYet = (path: string, what: string) =>
      issues.push({ path, message: `${what} are not available in this version of Gust yet` });
    for (const fn of manifest.functions) {
      const at = `functions.${fn.name}`;
      if (fn.config.rules?.length) notYet(`${at}.events`, 'eventBridge events (the event bus)');
      if (fn.config.schedules?.length) notYet(`${at}.events`, 'schedule events');
      if (
        fn.config.idempotencyTtlSec !== undefined ||
        fn.config.routes.some((r) => r.idempotencyTtlSec !== undefined)
      ) {
        notYet(`${at}.idempotency`, 'Idempotency-Key settings');
      }
      for (const [key, target] of Object.entries({
        onSuccess: fn.config.async?.onSuccess,
        onFailure: fn.config.async?.onFailure,
      })) {
        if (target?.startsWith('bus:')) notYet(`${at}.destinations.${key}`, 'event bus destinations');
      }
    }
    if (manifest.rules.length > 0) notYet('rules', 'event-bus rules');
    if (issues.length > 0) {
      const lines = issues.map((i) => `${manifest.file}: ${i.path}: ${i.message}`);
      throw new GustError('ERR_INVALID_MANIFEST', lines.join('\n'), {
        details: { file: manifest.file, issues },
      });
    }
  },
};
