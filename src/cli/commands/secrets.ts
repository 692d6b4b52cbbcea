/**
 * `gust secrets set|get|ls|rm|rotate|restore`: secrets, through the control API. Only `get` ever
 * prints a value; `set` and `rotate` take it from --value, --from-file or stdin, never echo it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { SecretView } from '../../secrets/secret-views.js';
import { integerOption } from '../args.js';
import { usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatTime, shortId } from '../format.js';
import { formatTable } from '../table.js';
import { apiJson } from './queues.js';

const secretPath = (name: string) => `/secrets/${encodeURIComponent(name)}`;

interface WriteResult {
  name: string;
  arn: string;
  versionId?: string;
  stages?: string[];
}

interface ValueOptions {
  value?: string;
  fromFile?: string;
}

/** Reads all of stdin; `readStdin` is a seam for tests. */
export type StdinReader = () => Promise<Buffer>;

async function processStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) {
    throw usageError('give the value with --value or --from-file, or pipe it in (stdin is a terminal).');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The value as the API takes it: text, or base64 with `binary` for bytes that are not UTF-8. From
 * stdin one trailing newline is dropped (`echo value | gust secrets set NAME`); a file is taken
 * byte for byte.
 */
async function readValue(
  ctx: CliContext,
  o: ValueOptions,
  stdin: StdinReader,
): Promise<{ value: string; binary?: true }> {
  if (o.value !== undefined && o.fromFile !== undefined) {
    throw usageError('--value and --from-file both give the value: use one.');
  }
  if (o.value !== undefined) return { value: o.value };
  let bytes: Buffer;
  if (o.fromFile !== undefined) {
    try {
      bytes = readFileSync(resolve(ctx.cwd, o.fromFile));
    } catch (error) {
      throw usageError(
        `cannot read ${o.fromFile} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
        error,
      );
    }
  } else {
    const read = await stdin();
    const end = read.at(-1) === 0x0a ? (read.at(-2) === 0x0d ? 2 : 1) : 0;
    bytes = read.subarray(0, read.length - end);
  }
  if (bytes.length === 0) throw usageError('the value is empty; a secret needs at least 1 byte.');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes)
    ? { value: text }
    : { value: bytes.toString('base64'), binary: true };
}

function secretsTable(secrets: readonly SecretView[]): string {
  return formatTable(
    ['NAME', 'CURRENT', 'CHANGED', 'ROTATED', 'STATUS', 'DESCRIPTION'],
    secrets.map((s) => [
      s.name,
      shortId(s.versions.find((v) => v.stages.includes('AWSCURRENT'))?.versionId ?? null),
      formatTime(s.updatedAt),
      s.lastRotatedAt === null ? '-' : formatTime(s.lastRotatedAt),
      s.deletionDate === null ? 'active' : `deleted on ${formatTime(s.deletionDate)}`,
      s.description === '' ? '-' : s.description,
    ]),
  );
}

export function registerSecrets(program: Command, ctx: CliContext, stdin: StdinReader = processStdin): void {
  const secrets = program.command('secrets').alias('secret').description('store and read secrets');

  secrets
    .command('set')
    .description('create a secret, or store a new current value of it (from --value, --from-file or stdin)')
    .argument('<name>', 'secret name (letters, digits and /_+=.@-)')
    .option('--value <value>', 'the value (visible in your shell history: prefer stdin or --from-file)')
    .option('--from-file <file>', 'read the value from a file, byte for byte')
    .option('--description <text>', 'what the secret is for')
    .action(async (name: string, o: ValueOptions & { description?: string }) => {
      const body: Record<string, unknown> = await readValue(ctx, o, stdin);
      if (o.description !== undefined) body.description = o.description;
      const result = await apiJson<WriteResult>(ctx, 'PUT', `${secretPath(name)}/value`, body);
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(`Stored secret '${result.name}' (version ${shortId(result.versionId)}).`);
    });

  secrets
    .command('get')
    .description("print a secret's value (the current one unless --version-id or --stage)")
    .argument('<name>', 'secret name or ARN')
    .option('--version-id <id>', 'a version of the secret')
    .option('--stage <label>', 'the version with this label, e.g. AWSPREVIOUS')
    .action(async (name: string, o: { versionId?: string; stage?: string }) => {
      const query = new URLSearchParams();
      if (o.versionId !== undefined) query.set('versionId', o.versionId);
      if (o.stage !== undefined) query.set('stage', o.stage);
      const q = query.size > 0 ? `?${query}` : '';
      const result = await apiJson<{ value: string }>(ctx, 'GET', `${secretPath(name)}/value${q}`);
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(result.value);
    });

  secrets
    .command('ls')
    .alias('list')
    .description('list secrets (names and versions, never values)')
    .option('--all', 'include secrets scheduled for deletion')
    .action(async (o: { all?: boolean }) => {
      const list = await apiJson<{ secrets: SecretView[] }>(
        ctx,
        'GET',
        `/secrets${o.all ? '?includeDeleted=true' : ''}`,
      );
      if (ctx.globals().json) return ctx.json(list);
      if (list.secrets.length === 0) return ctx.out('No secrets. Create one with: gust secrets set NAME');
      ctx.out(secretsTable(list.secrets));
    });

  secrets
    .command('rm')
    .alias('delete')
    .description(
      'schedule a secret for deletion (30 days unless --recovery-days), or delete it at once with --force',
    )
    .argument('<name>', 'secret name or ARN')
    .option(
      '--recovery-days <n>',
      'days until the deletion is final (7-30, default 30)',
      integerOption(7, 30),
    )
    .option('--force', 'delete at once, without a recovery window')
    .action(async (name: string, o: { recoveryDays?: number; force?: boolean }) => {
      if (o.recoveryDays !== undefined && o.force === true) {
        throw usageError('--recovery-days and --force do not go together: --force deletes at once.');
      }
      const query =
        o.force === true
          ? '?force=true'
          : o.recoveryDays !== undefined
            ? `?recoveryWindowDays=${o.recoveryDays}`
            : '';
      const result = await apiJson<WriteResult & { deletionDate: number }>(
        ctx,
        'DELETE',
        `${secretPath(name)}${query}`,
      );
      if (ctx.globals().json) return ctx.json(result);
      if (o.force === true) return ctx.out(`Deleted secret '${result.name}'.`);
      ctx.out(
        `Secret '${result.name}' is scheduled for deletion on ${formatTime(result.deletionDate)}; until then: gust secrets restore ${result.name}`,
      );
    });

  secrets
    .command('restore')
    .description('cancel the scheduled deletion of a secret')
    .argument('<name>', 'secret name or ARN')
    .action(async (name: string) => {
      const result = await apiJson<WriteResult>(ctx, 'POST', `${secretPath(name)}/restore`);
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(`Restored secret '${result.name}'.`);
    });

  secrets
    .command('rotate')
    .description(
      'store a new current value: a generated one, or --value / --from-file (the old one becomes AWSPREVIOUS)',
    )
    .argument('<name>', 'secret name or ARN')
    .option('--value <value>', 'the new value instead of a generated one')
    .option('--from-file <file>', 'read the new value from a file')
    .action(async (name: string, o: ValueOptions) => {
      const given = o.value !== undefined || o.fromFile !== undefined;
      const body = given ? await readValue(ctx, o, stdin) : {};
      const result = await apiJson<WriteResult>(ctx, 'POST', `${secretPath(name)}/rotate`, body);
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(`Rotated secret '${result.name}': version ${shortId(result.versionId)} is current.`);
    });
}
