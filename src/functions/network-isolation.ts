import { GustError } from '../core/errors.js';
import type { FunctionConfig } from '../core/types.js';
import type { DeployHook } from './control-plane.js';

/**
 * `network: none` is enforced by the sandbox (a new network namespace). Without one, instances are
 * plain processes on the host's network and the setting cannot be honoured: Gust says so, at every
 * deploy that uses it and in /_gust/v1/health, instead of pretending.
 */

/** The names of the functions that ask for `network: none`, sorted. */
export function isolatedNetworkFunctions(
  functions: readonly { name: string; config: Pick<FunctionConfig, 'network'> }[],
): string[] {
  return functions
    .filter((f) => f.config.network === 'none')
    .map((f) => f.name)
    .sort();
}

/** The warning for functions whose `network: none` is not enforced, or null when there are none. */
export function unenforcedNetworkWarning(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const list = names.join(', ');
  return (
    `network: none is NOT enforced for ${list}: function instances are not sandboxed, so they share the ` +
    "host's network. Start Gust with --sandbox (bubblewrap) to give them no network (docs/runtimes.md)."
  );
}

/**
 * A deploy hook that adds the warning to the deploy report (and logs it) when `sandbox` is 'none'
 * and the manifest asks for `network: none`. It never refuses a deploy: development machines
 * without bubblewrap run the same manifests.
 */
export function networkIsolationHook(sandbox: 'bwrap' | 'none', log?: (line: string) => void): DeployHook {
  return {
    async apply(manifest, report) {
      if (sandbox === 'bwrap') return;
      const warning = unenforcedNetworkWarning(isolatedNetworkFunctions(manifest.functions));
      if (warning === null) return;
      report.warnings = [...(report.warnings ?? []), warning];
      log?.(`gust: WARNING: ${warning}`);
    },
  };
}

/**
 * Refuses to deploy an app that declares `provider.production: true` on a Gust whose instances are
 * not sandboxed, unless the operator started it with --allow-unsandboxed: the app's authors asked
 * for isolation, and running it without is a decision only the operator may take.
 */
export function productionDeployHook(sandbox: 'bwrap' | 'none', allowUnsandboxed: boolean): DeployHook {
  return {
    async check(manifest) {
      if (!manifest.production || sandbox === 'bwrap' || allowUnsandboxed) return;
      throw new GustError(
        'ERR_SANDBOX_REQUIRED',
        `${manifest.file}: app '${manifest.service}' sets provider.production: true, but this Gust runs function instances unsandboxed. Start Gust with --sandbox (or --production), or with --production --allow-unsandboxed to accept plain processes.`,
        // The server is fine; this app cannot run on it as configured.
        { details: { file: manifest.file }, status: 409 },
      );
    },
  };
}
