import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Bubblewrap sandboxes for instance processes. A sandboxed process gets new user, mount, PID, IPC,
 * UTS and cgroup namespaces (and a new network namespace for `network: 'none'`), an empty root
 * with only the system directories it needs bound read-only, its function's code read-only at the
 * same absolute path (so LAMBDA_TASK_ROOT and NODE_PATH stay valid), a private size-limited tmpfs
 * at /tmp (also reachable at the host tmp dir's path, which TMPDIR and HOME name), a read-only
 * /dev, and uid/gid 65534. Nothing else of the host is visible: not Gust's data directory,
 * database, master key, other functions' code, nor other processes. Resource limits are applied
 * inside the sandbox by `prlimit`, since bwrap has no rlimit options.
 */

export type SandboxNetwork = 'none' | 'outbound';

export interface SandboxLimits {
  /**
   * RLIMIT_NPROC. The kernel counts processes per (user namespace, uid), and every sandbox has its
   * own user namespace, so this is in effect a per-instance limit even though every sandbox runs
   * as uid 65534.
   */
  processes: number;
  /** RLIMIT_NOFILE. */
  openFiles: number;
  /** RLIMIT_FSIZE in MB: the largest file the function can write (EFBIG beyond it). */
  fileSizeMB: number;
  /**
   * Size of the instance's /tmp in MB: everything it writes there together (ENOSPC beyond it). /tmp
   * is a tmpfs, so what is written there is held in the machine's memory (it can be swapped out).
   */
  tmpSizeMB: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  processes: 256,
  openFiles: 1024,
  fileSizeMB: 512,
  tmpSizeMB: 512,
};

/**
 * Where a `provided` function's Runtime API socket folder is bound (read-only) inside its sandbox
 * when it has no network: the folder holds `runtime-api.sock`, which the in-sandbox relay forwards
 * 127.0.0.1:9001 to.
 */
export const SANDBOX_RUNTIME_API_DIR = '/run/gust-runtime-api';

/** How a `network: 'none'` process reaches a Unix socket of the host over TCP loopback. */
export interface SandboxRelay {
  /** The relay script (run with the Node.js binary); bound read-only with `runtimePaths`. */
  script: string;
  /** Host folder holding the socket; bound read-only at SANDBOX_RUNTIME_API_DIR. */
  socketDir: string;
  /** The socket's file name inside `socketDir`. */
  socketName: string;
  /** The loopback port the relay listens on inside the sandbox. */
  port: number;
}

export interface SandboxCommandOptions {
  command: string;
  args: string[];
  /** The function's code, bound read-only at the same path. */
  codeDir: string;
  /** Working directory inside the sandbox (the code dir or the tmp dir). */
  cwd: string;
  /** The instance's private tmp dir, bound read-write at the same path and at /tmp. */
  tmpDir: string;
  /** Extra read-only paths bound at the same path (Gust's Node.js bootstrap and its package.json). */
  runtimePaths: string[];
  /** The Node.js binary; its directory is bound when it is outside /usr. */
  nodeBinary: string;
  network: SandboxNetwork;
  limits: SandboxLimits;
  /** Run `command` behind a TCP→Unix-socket relay (a `provided` function without network). */
  relay?: SandboxRelay;
}

export const BWRAP = 'bwrap';

/**
 * The host user bwrap runs as when Gust runs as root. Inside a user namespace made by root, the
 * sandbox's uid maps to host root, for which the kernel does not enforce RLIMIT_NPROC (and an
 * escape would land as root). Started as this unprivileged host user instead, the sandbox's uid
 * maps to it: the process limit holds (counted per user namespace, so per instance) and the host
 * sees the function as `nobody`. The instance's tmp dir is given to this user; the function's code
 * and Gust's bootstrap must be readable by it.
 */
export const SANDBOX_HOST_ID = 65534;
const PRLIMIT = '/usr/bin/prlimit';
/** The unprivileged user and group inside every sandbox (nobody/nogroup). */
const SANDBOX_ID = '65534';

/** System directories bound read-only when they exist on the host. */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** /etc entries programs need to run (dynamic loader cache, alternatives symlinks, TLS roots). */
const ETC_ENTRIES = ['/etc/ld.so.cache', '/etc/alternatives', '/etc/ssl', '/etc/ca-certificates'];
/** Name resolution: only when the function may use the network. */
const NETWORK_ETC_ENTRIES = ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/gai.conf'];

function roBind(args: string[], path: string): void {
  if (existsSync(path)) args.push('--ro-bind', path, path);
}

/** The `bwrap` command line that runs `options.command` sandboxed. */
export function sandboxCommand(options: SandboxCommandOptions): { command: string; args: string[] } {
  const args: string[] = [
    '--die-with-parent',
    '--new-session',
    '--unshare-user',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--hostname',
    'gust',
    '--uid',
    SANDBOX_ID,
    '--gid',
    SANDBOX_ID,
  ];
  if (options.network === 'none') args.push('--unshare-net');
  for (const dir of SYSTEM_DIRS) roBind(args, dir);
  for (const entry of ETC_ENTRIES) roBind(args, entry);
  if (options.network === 'outbound') for (const entry of NETWORK_ETC_ENTRIES) roBind(args, entry);
  const nodeDir = dirname(options.nodeBinary);
  if (!SYSTEM_DIRS.some((dir) => nodeDir === dir || nodeDir.startsWith(`${dir}/`))) {
    // A Node.js installed elsewhere (nvm, a tarball): bind its prefix (bin/ and lib/).
    roBind(args, dirname(nodeDir));
  }
  const { processes, openFiles, fileSizeMB, tmpSizeMB } = options.limits;
  // bwrap's /dev is a tmpfs without a size (half the machine's memory) that the sandbox user owns,
  // /dev/shm included: read-only, so that /tmp is the only place a function can write to.
  args.push('--proc', '/proc', '--dev', '/dev', '--remount-ro', '/dev');
  // A tmpfs has a size, which bounds all a function writes (a bind of a host folder would not).
  args.push('--size', String(Math.round(tmpSizeMB * 1024 * 1024)), '--tmpfs', '/tmp');
  // TMPDIR and HOME name the host tmp dir's path: make it lead to the same /tmp.
  if (options.tmpDir !== '/tmp') args.push('--symlink', '/tmp', options.tmpDir);
  for (const path of options.runtimePaths) roBind(args, path);
  if (options.relay) args.push('--ro-bind', options.relay.socketDir, SANDBOX_RUNTIME_API_DIR);
  args.push('--ro-bind', options.codeDir, options.codeDir);
  // The root is a tmpfs made by bwrap: make it read-only once everything is mounted on it.
  args.push('--remount-ro', '/');
  args.push('--chdir', options.cwd);
  args.push(
    '--',
    PRLIMIT,
    `--nproc=${processes}`,
    `--nofile=${openFiles}`,
    `--fsize=${Math.round(fileSizeMB * 1024 * 1024)}`,
    '--',
  );
  if (options.relay) {
    const { script, socketName, port } = options.relay;
    args.push(options.nodeBinary, script, `${SANDBOX_RUNTIME_API_DIR}/${socketName}`, String(port), '--');
  }
  args.push(options.command, ...options.args);
  return { command: BWRAP, args };
}

/** Whether sandboxes can be made here, and if not, why (shown to the operator). */
export interface SandboxSupport {
  available: boolean;
  reason?: string;
}

/** How to get bubblewrap, for messages. */
export const SANDBOX_INSTALL_HINT = 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)';

/**
 * Runs a trivial command in a sandbox shaped like an instance's (user, PID, network namespaces,
 * prlimit) once, to learn whether sandboxes work on this machine (bwrap installed, user
 * namespaces allowed).
 */
export function detectSandbox(): Promise<SandboxSupport> {
  if (!existsSync(PRLIMIT)) {
    return Promise.resolve({ available: false, reason: `${PRLIMIT} not found (install util-linux)` });
  }
  const args = [
    '--die-with-parent',
    '--unshare-all',
    '--uid',
    SANDBOX_ID,
    '--gid',
    SANDBOX_ID,
    ...SYSTEM_DIRS.flatMap((dir) => (existsSync(dir) ? ['--ro-bind', dir, dir] : [])),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--',
    PRLIMIT,
    '--nproc=64',
    '--',
    '/bin/sh',
    '-c',
    'id -u',
  ];
  return new Promise((resolve) => {
    execFile(BWRAP, args, { timeout: 10_000, env: { PATH: '/usr/bin:/bin' } }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === 'ENOENT'
            ? 'bwrap (bubblewrap) is not installed'
            : `bwrap failed: ${(stderr.trim() || error.message).split('\n')[0]}`;
        resolve({ available: false, reason });
        return;
      }
      if (stdout.trim() !== SANDBOX_ID) {
        resolve({ available: false, reason: `bwrap ran as uid ${stdout.trim()}, expected ${SANDBOX_ID}` });
        return;
      }
      resolve({ available: true });
    });
  });
}
