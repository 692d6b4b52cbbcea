/**
 * Deploy time and idle memory with 1,000 functions, in two shapes of app: every function with its
 * own tiny code folder (`distinct`), and every function pointing at one shared folder (`shared`).
 *
 * For each: start an empty Gust, let it idle, read its memory; deploy by POSTing the packed app to
 * `/_gust/v1/deploy` (timed from the first byte sent to the report received); let it idle again and
 * read the memory of the server process and of it with its children (the pre-started generic
 * runtime processes). For `distinct`, also: the same deploy again (nothing changed), the whole
 * `gust deploy DIR` command into another empty server, and `gust up DIR` from spawn to healthy.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packApp } from '../src/cli/pack.js';
import { type ManyFunctionsOptions, writeManyFunctionsApp } from './lib/apps.js';
import { type BenchContext, subDir } from './lib/context.js';
import { postDeploy } from './lib/deploy.js';
import { sleep } from './lib/http.js';
import { treeMemory } from './lib/proc.js';
import type { BenchRow } from './lib/rows.js';
import { REPO_ROOT, type RunningServer, startGustServer } from './lib/servers.js';

const FUNCTIONS = 1000;
const IDLE_MS = 5000;
const MB = 1024;

export async function runDeployMemoryBench(ctx: BenchContext): Promise<BenchRow[]> {
  const count = ctx.quick ? 100 : FUNCTIONS;
  const idleMs = ctx.quick ? 1000 : IDLE_MS;
  const rows: BenchRow[] = [];
  for (const code of ['distinct', 'shared'] as const) {
    const appDir = await subDir(ctx, `deploy/${code}-app`);
    await writeManyFunctionsApp(appDir, { service: `bench-${code}`, count, code });
    rows.push(...(await deployAndMeasure(ctx, appDir, { service: code, count, code }, idleMs)));
  }
  rows.push(...(await cliDeploy(ctx, join(ctx.workDir, 'deploy/distinct-app'), count)));
  rows.push(await upWithApp(ctx, join(ctx.workDir, 'deploy/distinct-app'), count));
  return rows;
}

async function startEmpty(ctx: BenchContext, name: string): Promise<RunningServer> {
  const dir = await subDir(ctx, `deploy/${name}`);
  return startGustServer({ label: `gust (${name})`, dataDir: join(dir, 'data'), workDir: dir });
}

async function stopAndCheck(ctx: BenchContext, server: RunningServer): Promise<void> {
  const leftover = await server.stop();
  if (leftover > 0)
    ctx.observe(`${server.process.label}: ${leftover} instance processes outlived the server`);
}

function memoryRows(label: string, pid: number): BenchRow[] {
  const memory = treeMemory(pid);
  if (memory === undefined) throw new Error(`${label}: the server process is gone`);
  return [
    { name: `idle RSS, server process, ${label}`, value: memory.root.rss / MB, unit: 'MB' },
    {
      name: `idle RSS, server + ${memory.descendantCount} children, ${label}`,
      value: memory.total.rss / MB,
      unit: 'MB',
      note: 'RSS counts shared pages once per process; PSS (next row) divides them among the processes sharing them',
    },
    { name: `idle PSS, server + children, ${label}`, value: memory.total.pss / MB, unit: 'MB' },
  ];
}

async function deployAndMeasure(
  ctx: BenchContext,
  appDir: string,
  app: ManyFunctionsOptions,
  idleMs: number,
): Promise<BenchRow[]> {
  const label = `${app.count} fns ${app.code} code`;
  const packStart = performance.now();
  const archive = await packApp(appDir);
  const packMs = performance.now() - packStart;

  const server = await startEmpty(ctx, `${app.code}-server`);
  try {
    const rows: BenchRow[] = [];
    if (app.code === 'distinct') {
      await sleep(idleMs);
      rows.push(...memoryRows('empty', server.process.pid));
    }
    ctx.progress(
      `deploy: ${label} (${(archive.length / 1024).toFixed(0)} KB archive) via POST /_gust/v1/deploy`,
    );
    const deploy = await postDeploy(server.url, archive);
    if (deploy.functions !== app.count || deploy.changed !== app.count) {
      ctx.observe(`deploy ${label}: report lists ${deploy.functions} functions, ${deploy.changed} changed`);
    }
    rows.push(
      {
        name: `deploy ${label} (POST)`,
        value: deploy.ms,
        unit: 'ms',
        note: `client packing (not included): ${packMs.toFixed(0)} ms for ${(archive.length / 1024).toFixed(0)} KB`,
      },
      { name: `deploy per function, ${app.code} code`, value: deploy.ms / app.count, unit: 'ms' },
    );
    ctx.progress(`memory: idle ${idleMs} ms with ${label}`);
    await sleep(idleMs);
    rows.push(...memoryRows(label, server.process.pid));
    if (app.code === 'distinct') {
      const again = await postDeploy(server.url, archive);
      if (again.changed !== 0)
        ctx.observe(`redeploy of unchanged ${label}: ${again.changed} reported as changed`);
      rows.push({ name: `redeploy unchanged ${label} (POST)`, value: again.ms, unit: 'ms' });
    }
    return rows;
  } finally {
    await stopAndCheck(ctx, server);
  }
}

/** The whole `gust deploy DIR` command (Node start, pack, upload, deploy) into an empty server. */
async function cliDeploy(ctx: BenchContext, appDir: string, count: number): Promise<BenchRow[]> {
  const server = await startEmpty(ctx, 'cli-deploy-server');
  try {
    ctx.progress(`deploy: gust deploy with ${count} functions via the CLI`);
    const start = performance.now();
    await promisify(execFile)(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'gust.js'), '--endpoint', server.url, '--json', 'deploy', appDir],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const ms = performance.now() - start;
    return [{ name: `gust deploy CLI, ${count} fns distinct code`, value: ms, unit: 'ms' }];
  } finally {
    await stopAndCheck(ctx, server);
  }
}

/** `gust up DIR` with the app: deploy at start, measured from spawn to the first healthy answer. */
async function upWithApp(ctx: BenchContext, appDir: string, count: number): Promise<BenchRow> {
  const dir = await subDir(ctx, 'deploy/up-server');
  ctx.progress(`deploy: gust up with ${count} functions`);
  const server = await startGustServer({
    label: `gust (up ${count})`,
    appDir,
    dataDir: join(dir, 'data'),
    workDir: dir,
  });
  await stopAndCheck(ctx, server);
  return {
    name: `gust up with ${count} fns distinct code: spawn to healthy`,
    value: server.startMs,
    unit: 'ms',
  };
}
