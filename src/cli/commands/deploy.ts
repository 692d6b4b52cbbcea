/** `gust deploy [dir]`: packs an app folder and uploads it to a running Gust. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { DeployReport } from '../api-types.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatBytes, shortId } from '../format.js';
import { packApp } from '../pack.js';
import { formatTable } from '../table.js';

/** The server's limit for a deploy archive (docs/api.md). */
export const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;

export function registerDeploy(program: Command, ctx: CliContext): void {
  program
    .command('deploy')
    .description('deploy an app folder (with gust.yaml) to a running Gust')
    .argument('[dir]', 'the app folder', '.')
    .option('--data-dir <dir>', 'a Gust data folder inside the app to leave out (.gust is always left out)')
    .action(async (dir: string, options: { dataDir?: string }) => {
      const appDir = resolve(ctx.cwd, dir);
      assertAppDir(appDir);
      const exclude = options.dataDir === undefined ? [] : [resolve(ctx.cwd, options.dataDir)];
      const archive = await packApp(appDir, { exclude });
      if (archive.length > MAX_ARCHIVE_BYTES) {
        throw new CliError(
          `${appDir} packs to ${formatBytes(archive.length)}, over the 100 MB deploy limit; move large files out of the app folder.`,
        );
      }
      const client = ctx.client();
      const report = await client.deploy(archive);
      if (ctx.globals().json) return ctx.json(report);
      ctx.out(`Deployed ${report.service} to ${client.endpoint} (${formatBytes(archive.length)} packed)`);
      ctx.out(formatDeployReport(report));
    });
}

/** Fails with a clear message unless `dir` is a folder holding gust.yaml. */
export function assertAppDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`${dir} is not a folder.`);
  if (!existsSync(join(dir, 'gust.yaml'))) {
    throw new CliError(`${dir} has no gust.yaml; an app folder holds its manifest at the top.`);
  }
}

/** The per-function table of a deploy (also printed by `gust up --watch` after a redeploy). */
export function formatDeployReport(report: DeployReport, indent = '  '): string {
  const lines: string[] = [];
  if (report.functions.length > 0) {
    lines.push(
      formatTable(
        ['FUNCTION', 'VERSION', 'STATUS', 'ROUTES'],
        report.functions.map((f) => [
          f.name,
          shortId(f.versionId),
          f.changed ? 'changed' : 'unchanged',
          f.routes.length === 0 ? '-' : f.routes.map((r) => `${r.method} ${r.path}`).join(', '),
        ]),
        { indent },
      ),
    );
  } else {
    lines.push(`${indent}(no functions)`);
  }
  if (report.removed.length > 0) lines.push(`${indent}Removed: ${report.removed.join(', ')}`);
  // What the server accepted but cannot honour (network: none without a sandbox, ...).
  for (const warning of report.warnings ?? []) lines.push(`${indent}WARNING: ${warning}`);
  return lines.join('\n');
}
