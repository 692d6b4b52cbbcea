/**
 * What `startGust` does at start and stop besides wiring: choosing the sandbox, announcing the
 * first admin key, running the stop steps, reading the version. Kept apart so src/server.ts stays
 * the map of how capabilities are wired.
 */
import { readFile } from 'node:fs/promises';
import { saveCredentials } from './auth/access/credentials-file.js';
import type { CreatedKey } from './auth/access/key-admin.js';
import { GustError } from './core/errors.js';
import { detectSandbox, SANDBOX_INSTALL_HINT } from './runtime/sandbox/bwrap.js';

/** The options chooseSandbox reads (GustOptions's). */
export interface SandboxOptions {
  sandbox?: 'bwrap' | 'none';
  production?: boolean;
  allowUnsandboxed?: boolean;
}

/**
 * Decides whether instances run in the bubblewrap sandbox. Outside production the sandbox is opt-in
 * and its absence is announced loudly; in production it is required unless explicitly waived.
 */
export async function chooseSandbox(
  options: SandboxOptions,
  log: (line: string) => void,
): Promise<'bwrap' | 'none'> {
  let sandbox = options.sandbox ?? (options.production ? 'bwrap' : 'none');
  if (sandbox === 'bwrap') {
    const support = await detectSandbox();
    if (!support.available) {
      if (!(options.production && options.allowUnsandboxed)) {
        throw new GustError(
          'ERR_SANDBOX_UNAVAILABLE',
          `Sandboxed instances were asked for, but bubblewrap cannot run here: ${support.reason}. To fix it, ${SANDBOX_INSTALL_HINT}${options.production ? ', or pass --allow-unsandboxed to run production without a sandbox' : ', or start without --sandbox'}.`,
        );
      }
      log(`gust: bubblewrap cannot run here (${support.reason}); --allow-unsandboxed was given.`);
      sandbox = 'none';
    }
  }
  if (sandbox === 'none') {
    if (options.production && !options.allowUnsandboxed) {
      throw new GustError(
        'ERR_SANDBOX_REQUIRED',
        'Production mode runs function instances in a sandbox: start with --sandbox (bubblewrap), or pass --allow-unsandboxed to accept plain processes.',
      );
    }
    log(
      'gust: WARNING: function instances are NOT sandboxed. They run as ordinary processes with your user and can read ' +
        "Gust's data directory; do not run untrusted code. Start with --sandbox to isolate them (docs/runtimes.md).",
    );
  }
  return sandbox;
}

/**
 * Prints the first admin key once and, when Gust made it (not taken from the environment), saves it
 * in the CLI's credentials file so `gust` commands work at once.
 */
export async function announceAdminKey(
  key: CreatedKey,
  source: 'environment' | 'generated',
  url: string,
  credentialsFile: string | undefined,
  log: (line: string) => void,
): Promise<void> {
  if (source === 'environment') {
    log(
      `gust: created the admin key ${key.accessKeyId} from GUST_BOOTSTRAP_ACCESS_KEY_ID / GUST_BOOTSTRAP_SECRET_ACCESS_KEY.`,
    );
    return;
  }
  const lines = [
    'gust: created the first admin key. It is shown only this once; keep it safe:',
    `  access key id:     ${key.accessKeyId}`,
    `  secret access key: ${key.secretAccessKey}`,
    `  bearer token:      ${key.bearerToken}`,
  ];
  if (credentialsFile !== undefined) {
    try {
      await saveCredentials(credentialsFile, url, {
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
      });
      lines.push(`  saved for the gust CLI in ${credentialsFile} (mode 0600).`);
    } catch (error) {
      lines.push(`  could NOT be saved in ${credentialsFile}: ${(error as Error).message}`);
    }
  }
  for (const line of lines) log(line);
}

export async function runStops(stops: (() => Promise<void>)[], log: (line: string) => void): Promise<void> {
  for (const stop of stops) {
    try {
      await stop();
    } catch (error) {
      log(`gust: error while stopping: ${(error as Error).message}`);
    }
  }
}

export async function packageVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
