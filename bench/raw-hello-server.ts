/**
 * The baseline for the warm-path benchmarks: the smallest useful Node `http` server, answering
 * `hello` to every request. Runs as its own process: `node dist/bench/raw-hello-server.js PORT`.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello');
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`raw hello server on 127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
