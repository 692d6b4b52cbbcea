/** `gust functions ls|get|rm|publish`: the deployed functions, through the control API. */
import type { Command } from 'commander';
import type { ApiFunctionDetail, ApiFunctionSummary } from '../api-types.js';
import type { CliContext } from '../context.js';
import { formatBytes, formatTime, shortId } from '../format.js';
import { formatFields, formatTable } from '../table.js';

export function registerFunctions(program: Command, ctx: CliContext): void {
  const functions = program
    .command('functions')
    .alias('fn')
    .description('list and manage deployed functions');

  functions
    .command('ls')
    .alias('list')
    .description('list deployed functions')
    .action(async () => {
      const list = await ctx.client().listFunctions();
      if (ctx.globals().json) return ctx.json(list);
      if (list.functions.length === 0)
        return ctx.out('No functions deployed. Deploy an app with: gust deploy DIR');
      ctx.out(functionsTable(list.functions));
    });

  functions
    .command('get')
    .description('show one function: configuration, versions, published versions')
    .argument('<name>', 'function name')
    .action(async (name: string) => {
      const detail = await ctx.client().getFunction(name);
      if (ctx.globals().json) return ctx.json(detail);
      ctx.out(describeFunction(detail));
    });

  functions
    .command('rm')
    .alias('delete')
    .description('delete a function and stop its instances')
    .argument('<name>', 'function name')
    .action(async (name: string) => {
      await ctx.client().deleteFunction(name);
      if (ctx.globals().json) return ctx.json({ deleted: name });
      ctx.out(`Deleted function '${name}'.`);
    });

  functions
    .command('publish')
    .description('publish $LATEST as the next numbered version')
    .argument('<name>', 'function name')
    .action(async (name: string) => {
      const result = await ctx.client().publish(name);
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(
        result.created
          ? `Published ${name} version ${result.number} (${shortId(result.versionId)}).`
          : `${name} $LATEST is already published as version ${result.number} (${shortId(result.versionId)}).`,
      );
    });
}

/** The `functions ls` table (also printed by `gust up`). */
export function functionsTable(functions: readonly ApiFunctionSummary[], indent = ''): string {
  return formatTable(
    [
      'NAME',
      'RUNTIME',
      { header: 'MEMORY', align: 'right' },
      { header: 'TIMEOUT', align: 'right' },
      'VERSION',
      { header: 'ROUTES', align: 'right' },
      { header: 'BUSY/IDLE', align: 'right' },
    ],
    functions.map((f) => [
      f.name,
      f.config.runtime,
      `${f.config.memoryMB} MB`,
      `${f.config.timeoutSec} s`,
      shortId(f.latestVersionId),
      String(f.config.routes.length),
      f.instances ? `${f.instances.busy}/${f.instances.idle}` : '-',
    ]),
    { indent },
  );
}

function describeFunction(f: ApiFunctionDetail): string {
  const c = f.config;
  const fields: [string, string][] = [
    ['Name', f.name],
    ['Service', f.service],
    ['Runtime', c.runtime],
    ['Handler', c.handler],
    ['Memory', `${c.memoryMB} MB`],
    ['Timeout', `${c.timeoutSec} s`],
    ['Latest version', f.latestVersionId],
    ['Updated', formatTime(f.updatedAt)],
  ];
  if (c.description) fields.push(['Description', c.description]);
  if (c.reservedConcurrency !== undefined)
    fields.push(['Reserved concurrency', String(c.reservedConcurrency)]);
  if (c.provisionedConcurrency !== undefined) {
    fields.push(['Provisioned concurrency', String(c.provisionedConcurrency)]);
  }
  if (f.instances) fields.push(['Instances', `${f.instances.busy} busy, ${f.instances.idle} idle`]);
  const env = Object.keys(c.environment).sort();
  if (env.length > 0) fields.push(['Environment', env.join(', ')]);

  const sections = [formatFields(fields)];
  if (c.routes.length > 0) {
    sections.push(
      'Routes:',
      formatTable(
        ['METHOD', 'PATH'],
        c.routes.map((r) => [r.method, r.path]),
        { indent: '  ' },
      ),
    );
  }
  if (f.versions.length > 0) {
    sections.push(
      'Versions (newest first):',
      formatTable(
        ['VERSION', 'CODE', { header: 'SIZE', align: 'right' }, 'CREATED'],
        f.versions.map((v) => [
          shortId(v.versionId),
          shortId(v.codeHash),
          formatBytes(v.codeSizeBytes),
          formatTime(v.createdAt),
        ]),
        { indent: '  ' },
      ),
    );
  }
  if (f.published.length > 0) {
    sections.push(
      'Published:',
      formatTable(
        [{ header: 'NUMBER', align: 'right' }, 'VERSION', 'CREATED'],
        f.published.map((p) => [String(p.number), shortId(p.versionId), formatTime(p.createdAt)]),
        { indent: '  ' },
      ),
    );
  }
  return sections.join('\n');
}
