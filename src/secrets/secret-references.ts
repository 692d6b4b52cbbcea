import { GustError } from '../core/errors.js';
import type { DeployHook } from '../functions/control-plane.js';
import type { Manifest } from '../functions/manifest.js';
import { SECRET_NAME_PATTERN } from './secret-names.js';
import type { SecretsService } from './secrets-service.js';

/**
 * `${secret:NAME}` in a function's environment: the whole value (`DB_PASSWORD: ${secret:db}`) or
 * part of it (`DATABASE_URL: postgres://app:${secret:db}@db/app`), any number of times. It is
 * replaced by the secret's current value when an instance starts; the stored configuration, the
 * API and the deploy report only ever show the reference. Nothing else in a value is interpreted.
 */
const REFERENCE = /\$\{secret:([^}]*)\}/g;

/** A reference found in an environment: which variable, which secret. */
export interface SecretReference {
  variable: string;
  secret: string;
}

/** The references in an environment, with a problem for each malformed one. */
export function findReferences(
  environment: Record<string, string>,
): (SecretReference & { problem?: string })[] {
  const found: (SecretReference & { problem?: string })[] = [];
  for (const [variable, value] of Object.entries(environment)) {
    for (const match of value.matchAll(REFERENCE)) {
      const secret = match[1] ?? '';
      const ref: SecretReference & { problem?: string } = { variable, secret };
      if (!SECRET_NAME_PATTERN.test(secret)) {
        ref.problem = `\${secret:${secret}} does not name a secret: use 1 to 512 letters, digits and /_+=.@- only.`;
      }
      found.push(ref);
    }
  }
  return found;
}

/**
 * The resolver the invoker calls as it specifies an instance (synchronous, from the service's
 * memory). A function whose referenced secret is gone gets ERR_SECRET_NOT_FOUND, naming the
 * function, the variable and the secret, instead of an instance with a wrong value.
 */
export function environmentResolver(
  secrets: Pick<SecretsService, 'currentText'>,
): (functionName: string, environment: Record<string, string>) => Record<string, string> {
  return (functionName, environment) => {
    let resolved: Record<string, string> | undefined;
    for (const [variable, value] of Object.entries(environment)) {
      if (!value.includes('${secret:')) continue;
      resolved ??= { ...environment };
      resolved[variable] = value.replace(REFERENCE, (_all, secret: string) => {
        const text = secrets.currentText(secret);
        if (text === undefined) {
          throw new GustError(
            'ERR_SECRET_NOT_FOUND',
            `Function '${functionName}' cannot start: its environment variable ${variable} refers to secret '${secret}', which does not exist or is scheduled for deletion. Create or restore it (gust secrets set ${secret}), or deploy without the reference.`,
            { awsType: 'ResourceNotFoundException', details: { function: functionName, variable, secret } },
          );
        }
        return text;
      });
    }
    return resolved ?? environment;
  };
}

/**
 * Refuses a deploy whose functions refer to secrets that do not exist (or are scheduled for
 * deletion), or whose references are malformed, naming the manifest field of each.
 */
export function secretsDeployHook(secrets: Pick<SecretsService, 'currentText'>): DeployHook {
  return {
    async check(manifest: Manifest) {
      const issues: { path: string; message: string }[] = [];
      for (const fn of manifest.functions) {
        for (const ref of findReferences(fn.config.environment)) {
          const path = `functions.${fn.name}.environment.${ref.variable}`;
          if (ref.problem !== undefined) issues.push({ path, message: ref.problem });
          else if (secrets.currentText(ref.secret) === undefined) {
            issues.push({
              path,
              message: `secret '${ref.secret}' does not exist, has no value or is scheduled for deletion; create it first with: gust secrets set ${ref.secret}`,
            });
          }
        }
      }
      if (issues.length > 0) {
        throw new GustError(
          'ERR_INVALID_MANIFEST',
          issues.map((i) => `${manifest.file}: ${i.path}: ${i.message}`).join('\n'),
          {
            details: { file: manifest.file, issues },
          },
        );
      }
    },
  };
}
