/**
 * Runs inside the sandbox of a `provided` function that has no network (`network: none`), in front
 * of its bootstrap: `node runtime-api-relay.js SOCKET PORT -- COMMAND [ARGS...]`.
 *
 * The Runtime API is HTTP over TCP (AWS_LAMBDA_RUNTIME_API=127.0.0.1:PORT), but a sandbox with its
 * own network namespace cannot reach the host's loopback. Gust's Runtime API server listens on a
 * Unix socket instead, bound read-only into the sandbox; this relay listens on the sandbox's own
 * loopback and forwards each connection to that socket, and nothing else. It starts the bootstrap
 * once it listens (so the bootstrap's first request cannot be refused), passes its output through
 * untouched (inherited stdio) and ends with the bootstrap's exit status.
 *
 * Imports only Node.js built-ins: it is run directly from the compiled folder inside the sandbox.
 */
import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';

const [socketPath, portText, separator, command, ...args] = process.argv.slice(2);
const port = Number(portText);
if (!socketPath || !Number.isInteger(port) || separator !== '--' || !command) {
  process.stderr.write('usage: runtime-api-relay SOCKET PORT -- COMMAND [ARGS...]\n');
  process.exit(2);
}

/** Pipes both ways; a failure on either side ends both (a clean end is passed on by pipe()). */
function join(client: Socket, upstream: Socket): void {
  client.pipe(upstream);
  upstream.pipe(client);
  const fail = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', fail);
  upstream.on('error', fail);
}

const server = createServer((client) => join(client, connect(socketPath)));
server.on('error', (error) => {
  process.stderr.write(`gust runtime-api-relay: cannot listen on 127.0.0.1:${port}: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const child = spawn(command, args, { stdio: 'inherit' });
  child.on('error', (error) => {
    // As a shell would: 127 when the program is missing, 126 when it cannot be run.
    process.stderr.write(`gust runtime-api-relay: cannot start ${command}: ${error.message}\n`);
    process.exit((error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // End the same way, so Gust reports "signal: killed" rather than an exit status.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => child.kill(signal));
  }
});
