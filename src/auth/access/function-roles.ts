import type { FunctionConfig } from '../../core/types.js';
import type { DeployHook, FunctionRegistry } from '../../functions/control-plane.js';
import { type CompiledPolicy, compilePolicy } from '../policy/compile.js';
import type { Caller } from './caller.js';
import type { PolicySet } from './policy-set.js';

/**
 * Function roles: what a function may do through Gust's API with the session credentials in its
 * instances. A role is the function's `permissions` (inline statements) plus its named `policies`,
 * from the $LATEST configuration; nothing else. A function that declares neither may do nothing.
 */
export function createFunctionRoles(registry: Pick<FunctionRegistry, 'resolve'>) {
  /** Inline policies compiled once per version (versions are immutable). */
  const inline = new Map<string, CompiledPolicy | null>();
  return async (functionName: string, policies: PolicySet): Promise<Caller | undefined> => {
    let config: FunctionConfig;
    let versionId: string;
    try {
      const { version } = registry.resolve(functionName);
      config = version.config;
      versionId = version.versionId;
    } catch {
      return undefined;
    }
    let own = inline.get(versionId);
    if (own === undefined) {
      own =
        config.permissions === undefined
          ? null
          : compilePolicy(
              { Version: '2012-10-17', Statement: config.permissions },
              `function:${functionName}`,
            );
      if (inline.size > 1000) inline.clear();
      inline.set(versionId, own);
    }
    const named = await policies.resolve(config.policies ?? []);
    return Object.freeze({
      kind: 'function',
      id: `function:${functionName}`,
      name: functionName,
      policies: Object.freeze(own === null ? named : [own, ...named]),
    });
  };
}

/** Refuses a deploy whose functions name a policy that does not exist. */
export function rolePoliciesDeployHook(policies: PolicySet): DeployHook {
  return {
    async check(manifest) {
      for (const fn of manifest.functions) {
        for (const name of fn.config.policies ?? []) await policies.require(name);
      }
    },
  };
}
