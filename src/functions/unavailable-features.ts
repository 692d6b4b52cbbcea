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
    // Every feature the manifest describes runs now. A new one that does not yet adds
    // { path, message: 'X are not available in this version of Gust yet' } to `issues` here.
    if (issues.length > 0) {
      const lines = issues.map((i) => `${manifest.file}: ${i.path}: ${i.message}`);
      throw new GustError('ERR_INVALID_MANIFEST', lines.join('\n'), {
        details: { file: manifest.file, issues },
      });
    }
  },
};
