/**
 * The two servers the warm-path benchmarks compare: Gust serving a hello-world function on
 * `GET /hello`, and a raw Node `http` hello-world. Both answer `hello`.
 */
import { writeHelloApp } from './apps.js';
import { type BenchContext, subDir } from './context.js';
import { type RunningServer, startGustServer, startRawServer } from './servers.js';

/** Above the benchmarks' 50 connections, so Gust may run one instance per connection. */
export const WARM_MAX_CONCURRENCY = 64;

export interface HelloTargets {
  /** Full URLs of the hello endpoints. */
  rawUrl: string;
  gustUrl: string;
  gust: RunningServer;
  raw: RunningServer;
  stop(): Promise<void>;
}

export async function startHelloTargets(ctx: BenchContext): Promise<HelloTargets> {
  const dir = await subDir(ctx, 'warm');
  const appDir = await subDir(ctx, 'warm/app');
  await writeHelloApp(appDir);
  const raw = await startRawServer(dir);
  let gust: RunningServer;
  try {
    gust = await startGustServer({
      label: 'gust (warm)',
      appDir,
      dataDir: `${dir}/data`,
      workDir: dir,
      maxConcurrency: WARM_MAX_CONCURRENCY,
    });
  } catch (error) {
    await raw.stop();
    throw error;
  }
  return {
    rawUrl: `${raw.url}/`,
    gustUrl: `${gust.url}/hello`,
    gust,
    raw,
    stop: async () => {
      const leftover = await gust.stop();
      if (leftover > 0)
        ctx.observe(`gust (warm): ${leftover} instance processes outlived the server after SIGTERM`);
      await raw.stop();
    },
  };
}
