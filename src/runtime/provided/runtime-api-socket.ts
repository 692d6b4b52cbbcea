import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nearestPackageJson } from '../node/node-process.js';
import { SANDBOX_HOST_ID, type SandboxRelay } from '../sandbox/bwrap.js';

/**
 * The Runtime API of a sandboxed `provided` function without network: Gust's server listens on a
 * Unix socket in a folder of its own (not the function's /tmp, which the function could fill or
 * clear), the folder is bound read-only into the sandbox, and the relay (runtime-api-relay.ts)
 * forwards 127.0.0.1:9001 inside the sandbox to it. The function reaches its own Runtime API and
 * nothing else: there is no other interface in its network namespace but its own loopback.
 */

/** The compiled relay, next to this module in dist/. */
export const RELAY_PATH = fileURLToPath(new URL('./runtime-api-relay.js', import.meta.url));
/** The port inside the sandbox, as on Lambda (AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001). */
export const RELAY_PORT = 9001;
const SOCKET_NAME = 'runtime-api.sock';

/** Where the socket of one instance lives, and how the sandbox reaches it. */
export interface RuntimeApiSocket {
  /** Host path to listen on. */
  path: string;
  /** For ProcessSandbox: the relay and the read-only paths it needs. */
  relay: SandboxRelay;
  runtimePaths: string[];
  /** Gives the socket to the sandbox's host user once it exists (call after listening). */
  handOver(): Promise<void>;
  /** Removes the folder and the socket in it. */
  remove(): Promise<void>;
}

const asRoot = (): boolean => process.getuid?.() === 0;

/** Makes the socket folder `dir` (private: mode 700, owned by the sandbox's host user as root). */
export async function createRuntimeApiSocket(dir: string): Promise<RuntimeApiSocket> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // As root, bwrap runs as SANDBOX_HOST_ID (see bwrap.ts): it must be able to enter the folder.
  if (asRoot()) await chown(dir, SANDBOX_HOST_ID, SANDBOX_HOST_ID);
  const path = join(dir, SOCKET_NAME);
  const pkg = nearestPackageJson(dirname(RELAY_PATH));
  return {
    path,
    relay: { script: RELAY_PATH, socketDir: dir, socketName: SOCKET_NAME, port: RELAY_PORT },
    // The relay is an ES module: the package.json that says so must be visible above it.
    runtimePaths: pkg ? [RELAY_PATH, pkg] : [RELAY_PATH],
    async handOver() {
      // Connecting to a Unix socket needs write permission on it.
      await chmod(path, 0o600);
      if (asRoot()) await chown(path, SANDBOX_HOST_ID, SANDBOX_HOST_ID);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
