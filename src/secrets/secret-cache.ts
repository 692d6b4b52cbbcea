import { Redactor } from '../auth/secrets/redactor.js';

/**
 * The decrypted values this process keeps in memory, for the two uses that cannot wait for the
 * store: resolving `${secret:NAME}` in a function's environment (synchronously, as an instance is
 * specified) and redacting output (on every log line).
 *
 * Invariant: every write to secrets goes through the SecretsService of this process, which calls
 * `set` or `remove` once the store has committed it; `load` fills the cache at start. So
 * `current(name)` is what GetSecretValue would answer now. This holds while one Gust process
 * writes the store (SQLite); a deployment of several nodes sharing PostgreSQL will need them to
 * refresh on each other's writes.
 *
 * Redaction covers every labeled version (AWSCURRENT, AWSPREVIOUS, AWSPENDING, ...) of every secret,
 * also while its deletion is scheduled: instances started earlier may still hold those values.
 */
export class SecretCache {
  /** AWSCURRENT as text, for live secrets only (a deleted secret cannot be referenced). */
  readonly #current = new Map<string, string>();
  /** Every labeled value as text, by secret (deleted ones too), for redaction. */
  readonly #redacted = new Map<string, string[]>();
  readonly #redactor = new Redactor();
  readonly #warn: (line: string) => void;

  constructor(warn: (line: string) => void = () => {}) {
    this.#warn = warn;
  }

  /** Replaces what is known of one secret: its current value (undefined when it has none or is deleted). */
  set(name: string, current: string | undefined, labeled: readonly string[]): void {
    this.setMany([{ name, current, labeled }]);
  }

  /** `set` for many secrets, with one rebuild of the redactor (at start). */
  setMany(
    secrets: readonly { name: string; current: string | undefined; labeled: readonly string[] }[],
  ): void {
    for (const { name, current, labeled } of secrets) {
      if (current === undefined) this.#current.delete(name);
      else this.#current.set(name, current);
      this.#redacted.set(name, [...new Set(labeled)]);
    }
    this.#rebuild(secrets.map((s) => s.name));
  }

  /** Forgets a secret that is gone for good. */
  remove(name: string): void {
    this.#current.delete(name);
    this.#redacted.delete(name);
    this.#rebuild([]);
  }

  current(name: string): string | undefined {
    return this.#current.get(name);
  }

  /** `text` with every known secret value replaced by `[REDACTED:<name>]`. */
  redact(text: string): string {
    return this.#redactor.redact(text);
  }

  #rebuild(changed: readonly string[]): void {
    const pairs: [string, string][] = [];
    for (const [name, values] of this.#redacted) for (const value of values) pairs.push([name, value]);
    const tooShort = this.#redactor.setSecrets(pairs);
    for (const name of tooShort.filter((n) => changed.includes(n))) {
      this.#warn(
        `gust: WARNING: secret '${name}' has a value shorter than 4 characters, which cannot be redacted from logs.`,
      );
    }
  }
}
