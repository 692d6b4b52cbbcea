/** autocannon, driven programmatically, the same way for Gust and the baseline. */
import autocannon from 'autocannon';
import { cpuBetween, treeCpu } from './proc.js';

export interface LoadSettings {
  connections: number;
  durationSec: number;
  /** Responses with another body count as mismatches. */
  expectBody: string;
}

export interface LoadResult {
  /** Mean completed requests per second over the run. */
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  total: number;
  /** Errors, timeouts, non-2xx responses and body mismatches. */
  failures: { errors: number; timeouts: number; non2xx: number; mismatches: number };
  /** CPU used during the run, in % of one core (the machine has os.cpus().length cores). */
  cpuPercent: { server: number; serverChildren: number; loadGenerator: number };
}

/** One autocannon run against `url`, recording the CPU used by `serverPid`, its children, and autocannon. */
export async function measureLoad(
  url: string,
  serverPid: number,
  settings: LoadSettings,
): Promise<LoadResult> {
  const serverBefore = treeCpu(serverPid);
  const selfBefore = process.cpuUsage();
  const start = performance.now();
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.durationSec,
    pipelining: 1,
    expectBody: settings.expectBody,
  });
  const wallSec = (performance.now() - start) / 1000;
  const self = process.cpuUsage(selfBefore);
  const server = cpuBetween(serverBefore, treeCpu(serverPid));
  const percent = (cpuSec: number) => (cpuSec / wallSec) * 100;
  return {
    requestsPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    total: result.requests.total,
    failures: {
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      mismatches: result.mismatches,
    },
    cpuPercent: {
      server: percent(server.root),
      serverChildren: percent(server.descendants),
      loadGenerator: percent((self.user + self.system) / 1e6),
    },
  };
}

/** "" when the run was clean, else what went wrong, for a row's note. */
export function describeFailures(result: LoadResult): string {
  const parts = Object.entries(result.failures)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${kind}`);
  return parts.length === 0 ? '' : `${parts.join(', ')} of ${result.total} responses`;
}
