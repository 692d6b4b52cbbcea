/**
 * `gust up [dir]`: runs Gust in this process (the server from src/server.ts), deploys the app in
 * `dir`, prints where it serves and what, and optionally redeploys on file changes.
 */
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { credentialsPath } from '../../auth/access/credentials-file.js';
import type { GustOptions, RunningGust } from '../../server.js';
import type { ApiFunctionSummary, RouteEntry } from '../api-types.js';
import { integerOption, secondsOption } from '../args.js';
import { CliError, errorLine, issueLines, toCliError, usageError } from '../cli-error.js';
import { createClient } from '../client.js';
import type { CliContext } from '../context.js';
import { resolveCredentials } from '../credentials.js';
import { shortId } from '../format.js';
import { formatTable } from '../table.js';
import { type AppWatcher, watchApp } from '../watch-app.js';
import { assertAppDir, formatDeployReport } from './deploy.js';
import { functionsTable } from './functions.js';

export type { GustOptions };

/** What `gust up` uses of a running server (a test double provides just this). */
export type UpServer = Pick<RunningGust, 'url' | 'deployReport' | 'redeploy' | 'stop'>;

/** `startGust` from src/server.ts, or a stand-in with the same options. */
export type StartGust = (options: GustOptions) => Promise<UpServer>;

interface UpOptions {
  port: number;
  host: string;
  dataDir?: string;
  store?: string;
  watch?: boolean;
  idleTimeout?: number;
  maxConcurrency?: number;
  prewarm?: number;
  retryBase?: number;
  retryCap?: number;
  sandbox?: boolean;
  production?: boolean;
  allowUnsandboxed?: boolean;
  keyRateLimit?: number;
}

export function registerUp(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('run Gust here and deploy the app in dir (default: the current folder)')
    .argument('[dir]', 'the app folder (with gust.yaml)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', integerOption(0, 65535), 7800)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where Gust keeps its database and code (default: DIR/.gust)')
    .option(
      '--store <url>',
      'a postgres:// URL: keep state in PostgreSQL, shared by several nodes (default: $GUST_STORE_URL, else SQLite in the data dir)',
    )
    .option('--watch', 'redeploy when files in dir change')
    .option('--idle-timeout <seconds>', 'stop an idle instance after this many seconds', secondsOption)
    .option('--max-concurrency <n>', 'most invocations running at once, over all functions', integerOption(1))
    .option('--retry-base <seconds>', 'first retry delay cap of queue deliveries (default 1)', secondsOption)
    .option('--retry-cap <seconds>', 'longest retry delay of queue deliveries (default 300)', secondsOption)
    .option(
      '--key-rate-limit <n>',
      'requests per second each API key may make (bursts up to twice that); default: unlimited',
      integerOption(1, 1_000_000),
    )
    .option(
      '--prewarm <n>',
      'Node.js processes started ahead of time for cold starts (default 2; more absorbs bursts of new functions)',
      integerOption(0, 64),
    )
    .option(
      '--sandbox',
      'run every function instance in a bubblewrap sandbox (refuses to start without bwrap)',
    )
    .option('--production', 'production mode: instances must be sandboxed (implies --sandbox)')
    .option('--allow-unsandboxed', 'with --production: run without a sandbox where bubblewrap cannot run')
    .action(async (dir: string | undefined, options: UpOptions) => {
      const appDir = resolve(ctx.cwd, dir ?? '.');
      // An explicit folder must be an app; the current folder without gust.yaml starts Gust empty.
      const hasApp = dir !== undefined || existsSync(join(appDir, 'gust.yaml'));
      if (hasApp) assertAppDir(appDir);
      if (options.watch === true && !hasApp) {
        throw usageError(`--watch needs an app: ${appDir} has no gust.yaml.`);
      }
      const dataDir = resolve(ctx.cwd, options.dataDir ?? join(appDir, '.gust'));
      const gustOptions: GustOptions = {
        host: options.host,
        port: options.port,
        dataDir,
        // Server diagnostics go to stderr, keeping stdout for the banner and reports (and --json).
        logger: (line) => ctx.err(line),
        env: ctx.env,
        // The admin key a first start creates is saved where the CLI looks for credentials.
        credentialsFile: credentialsPath(ctx.env),
      };
      if (hasApp) gustOptions.appDir = appDir;
      if (options.store !== undefined) gustOptions.storeUrl = options.store;
      if (options.idleTimeout !== undefined)
        gustOptions.idleTimeoutMs = Math.round(options.idleTimeout * 1000);
      if (options.maxConcurrency !== undefined) gustOptions.maxConcurrency = options.maxConcurrency;
      if (options.prewarm !== undefined) gustOptions.genericPoolSize = options.prewarm;
      if (options.keyRateLimit !== undefined) {
        gustOptions.keyRateLimit = { rate: options.keyRateLimit, burst: options.keyRateLimit * 2 };
      }
      if (options.sandbox === true) gustOptions.sandbox = 'bwrap';
      if (options.production === true) gustOptions.production = true;
      if (options.allowUnsandboxed === true) gustOptions.allowUnsandboxed = true;
      if (options.retryBase !== undefined || options.retryCap !== undefined) {
        gustOptions.backoff = {
          baseMs: Math.round((options.retryBase ?? 1) * 1000),
          capMs: Math.round((options.retryCap ?? 300) * 1000),
        };
      }

      // Subscribed before starting, so Ctrl+C during startup still shuts down cleanly.
      let signals = 0;
      let requestStop = () => {};
      const stopRequested = new Promise<void>((resolveStop) => {
        requestStop = resolveStop;
      });
      const unsubscribe = ctx.onSignal((signal) => {
        signals += 1;
        if (signals > 1) {
          ctx.err(`gust: ${signal} again; exiting without waiting for shutdown.`);
          ctx.exit(128 + (constants.signals[signal] ?? 2));
          return;
        }
        ctx.err(`Stopping Gust (${signal}); press Ctrl+C again to exit at once.`);
        requestStop();
      });

      try {
        const startGust = ctx.startGust ?? (await loadStartGust());
        let running: UpServer;
        try {
          running = await startGust(gustOptions);
        } catch (error) {
          throw startError(error, options);
        }
        let watcher: AppWatcher | undefined;
        try {
          await printBanner(ctx, running, hasApp ? appDir : undefined, dataDir);
          if (options.watch === true) {
            watcher = watchApp({
              dir: appDir,
              ignore: [dataDir],
              onChange: (paths) => redeploy(ctx, running, paths),
              onError: (error) => ctx.err(errorLine(toCliError(error), 'gust: watch: ')),
            });
            if (!ctx.globals().json) ctx.out(`Watching ${appDir} for changes.`);
          }
          if (!ctx.globals().json) ctx.out('Press Ctrl+C to stop.');
          await stopRequested;
        } finally {
          // Stop watching (and let a redeploy in flight finish) before the server goes away.
          await watcher?.close();
          await running.stop();
        }
        ctx.err('Gust stopped.');
      } finally {
        unsubscribe();
      }
    });
}

async function loadStartGust(): Promise<StartGust> {
  // Imported on demand: the other commands never load the server (SQLite, instance pools).
  try {
    return (await import('../../server.js')).startGust;
  } catch (error) {
    throw new CliError(`cannot load the Gust server: ${(error as Error).message}`, { cause: error });
  }
}

function startError(error: unknown, options: UpOptions): CliError {
  if ((error as { code?: unknown } | null)?.code === 'EADDRINUSE') {
    return new CliError(
      `${options.host}:${options.port} is already in use; stop what runs there or pick another port with --port.`,
      { cause: error },
    );
  }
  return toCliError(error);
}

/** Prints the URL, then functions and routes as the running server reports them over HTTP. */
async function printBanner(
  ctx: CliContext,
  running: UpServer,
  appDir: string | undefined,
  dataDir: string,
): Promise<void> {
  if (ctx.globals().json) {
    ctx.out(
      JSON.stringify({
        url: running.url,
        appDir: appDir ?? null,
        dataDir,
        deployReport: running.deployReport,
      }),
    );
    return;
  }
  ctx.out(`Gust is running at ${running.url}`);
  if (appDir !== undefined) {
    const service = running.deployReport ? ` (service ${running.deployReport.service})` : '';
    ctx.out(`  app:  ${appDir}${service}`);
  }
  ctx.out(`  data: ${dataDir}`);

  let functions: ApiFunctionSummary[] | undefined;
  let routes: RouteEntry[];
  try {
    const credentials = resolveCredentials(ctx.env, running.url);
    const client = createClient(
      credentials === undefined ? { endpoint: running.url } : { endpoint: running.url, credentials },
    );
    functions = (await client.listFunctions()).functions;
    routes = (await client.routes()).routes;
  } catch {
    // The control API did not answer; the deploy report still says what was deployed.
    routes = running.deployReport?.functions.flatMap((f) => f.routes) ?? [];
  }

  ctx.out('');
  if (functions !== undefined && functions.length > 0) {
    ctx.out('Functions');
    ctx.out(functionsTable(functions, '  '));
  } else if (functions === undefined && running.deployReport && running.deployReport.functions.length > 0) {
    ctx.out('Functions');
    ctx.out(
      formatTable(
        ['NAME', 'VERSION'],
        running.deployReport.functions.map((f) => [f.name, shortId(f.versionId)]),
        { indent: '  ' },
      ),
    );
  } else {
    ctx.out('No functions deployed yet. Deploy an app with: gust deploy DIR');
  }
  if (routes.length > 0) {
    ctx.out('');
    ctx.out('Routes');
    ctx.out(
      formatTable(
        ['METHOD', 'PATH', 'FUNCTION'],
        routes.map((r) => [r.method, r.path, r.functionName]),
        { indent: '  ' },
      ),
    );
  }
  ctx.out('');
}

/** One --watch cycle: redeploy, then print what changed, or the error while the old version keeps serving. */
async function redeploy(ctx: CliContext, running: UpServer, paths: string[]): Promise<void> {
  const shown = paths.slice(0, 3).join(', ');
  const more = paths.length > 3 ? ` and ${paths.length - 3} more` : '';
  const { json } = ctx.globals();
  if (!json) ctx.out(`Changed: ${shown}${more}; redeploying.`);
  try {
    const report = await running.redeploy();
    if (json) return ctx.out(JSON.stringify(report));
    const changed = report.functions.filter((f) => f.changed).length;
    if (changed === 0 && report.removed.length === 0) return ctx.out('Redeployed: nothing changed.');
    ctx.out(`Redeployed ${report.service}: ${changed} changed, ${report.removed.length} removed.`);
    ctx.out(formatDeployReport(report));
  } catch (error) {
    const cliError = toCliError(error);
    ctx.err(errorLine(cliError, 'gust: redeploy failed: '));
    for (const line of issueLines(cliError)) ctx.err(line);
    ctx.err('Still serving the previous version.');
  }
}
