import { randomInt } from 'node:crypto';
import { invalidParameter } from './secret-errors.js';

/** Letters, digits and /_+=.@- : the characters AWS allows in a secret name. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const NAME_CHARS = 'A-Za-z0-9/_+=.@-';
/** The characters of a name, for patterns that embed one (`${secret:NAME}`). */
export const SECRET_NAME_CHARS = `[${NAME_CHARS}]+`;

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Throws InvalidParameterException unless `name` is a valid secret name. */
export function checkSecretName(name: unknown, parameter = 'Name'): string {
  if (typeof name !== 'string' || name === '') {
    throw invalidParameter(parameter, 'expected the secret name (a non-empty string).');
  }
  if (!SECRET_NAME_PATTERN.test(name)) {
    throw invalidParameter(
      parameter,
      `'${name.slice(0, 80)}' is not a valid secret name: use 1 to 512 letters, digits and /_+=.@- only.`,
    );
  }
  return name;
}

/** Six random letters and digits, as AWS appends to a secret's ARN. */
export function randomArnSuffix(): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return suffix;
}

/** Builds and reads secret ARNs: arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX. */
export interface SecretArns {
  arn(name: string, suffix: string): string;
  /**
   * What a SecretId names: a plain name, or the name in an ARN of this region and account, full
   * (`...:secret:NAME-XXXXXX`, `suffix` set) or partial (`...:secret:NAME`). A partial ARN whose
   * name itself ends in `-` and six letters or digits is read as a full one, so what a request is
   * authorized for is always the secret it reaches. Undefined for any other ARN.
   */
  parse(secretId: string): { name: string; suffix?: string } | undefined;
}

export function secretArns(region: string, accountId: string): SecretArns {
  const prefix = `arn:aws:secretsmanager:${region}:${accountId}:secret:`;
  return {
    arn: (name, suffix) => `${prefix}${name}-${suffix}`,
    parse(secretId) {
      if (!secretId.startsWith('arn:')) return { name: secretId };
      if (!secretId.startsWith(prefix)) return undefined;
      const rest = secretId.slice(prefix.length);
      const full = /^(.+)-([A-Za-z0-9]{6})$/.exec(rest);
      if (full?.[1] !== undefined && full[2] !== undefined) return { name: full[1], suffix: full[2] };
      return { name: rest };
    },
  };
}
