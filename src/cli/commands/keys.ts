/** `gust keys ...` and `gust policies ...`: API keys and the policies they carry. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CreatedKey, KeyView } from '../../auth/access/key-admin.js';
import type { PolicyView } from '../../auth/access/policy-admin.js';
import { usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatTime } from '../format.js';
import { formatFields, formatTable } from '../table.js';
import { apiJson } from './queues.js';

const keyPath = (id: string) => `/keys/${encodeURIComponent(id)}`;
const policyPath = (name: string) => `/policies/${encodeURIComponent(name)}`;

/** Splits `a,b` and repeated flags into one list. */
function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

export function keysTable(keys: readonly KeyView[]): string {
  return formatTable(
    ['ACCESS KEY ID', 'NAME', 'POLICIES', 'STATUS', 'CREATED', 'LAST USED'],
    keys.map((k) => [
      k.accessKeyId,
      k.name,
      k.policies.join(', '),
      k.status,
      formatTime(k.createdAt),
      k.lastUsedAt === null ? '-' : formatTime(k.lastUsedAt),
    ]),
  );
}

export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('create, list, disable and delete API keys');

  keys
    .command('create')
    .description('create an API key; its secret is shown only this once')
    .argument('<name>', 'a label for the key, e.g. ci-deployer')
    .requiredOption(
      '--policy <names>',
      'policies it carries (repeat or comma-separate): admin, read-only, ...',
      list,
    )
    .action(async (name: string, o: { policy: string[] }) => {
      const created = await apiJson<CreatedKey>(ctx, 'POST', '/keys', { name, policies: o.policy });
      if (ctx.globals().json) return ctx.json(created);
      ctx.out(
        formatFields([
          ['Access key id', created.accessKeyId],
          ['Secret', created.secretAccessKey],
          ['Bearer token', created.bearerToken],
          ['Policies', created.policies.join(', ')],
        ]),
      );
      ctx.out('');
      ctx.out('The secret is not stored in clear anywhere and cannot be shown again. Use it with:');
      ctx.out(`  export GUST_ACCESS_KEY_ID=${created.accessKeyId} GUST_SECRET_ACCESS_KEY=<secret>`);
      ctx.out('  (AWS SDKs: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, with the endpoint set to Gust)');
    });

  keys
    .command('ls')
    .alias('list')
    .description('list API keys (never their secrets)')
    .action(async () => {
      const result = await apiJson<{ keys: KeyView[] }>(ctx, 'GET', '/keys');
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(result.keys.length === 0 ? 'No API keys.' : keysTable(result.keys));
    });

  for (const [verb, action, description] of [
    ['disable', 'disable', 'disable a key: requests with it are refused until it is enabled'],
    ['enable', 'enable', 'enable a disabled key'],
  ] as const) {
    keys
      .command(verb)
      .description(description)
      .argument('<access-key-id>')
      .action(async (id: string) => {
        const key = await apiJson<KeyView>(ctx, 'POST', `${keyPath(id)}/${action}`);
        if (ctx.globals().json) return ctx.json(key);
        ctx.out(`Key ${key.accessKeyId} (${key.name}) is ${key.status}.`);
      });
  }

  keys
    .command('rm')
    .alias('delete')
    .description('delete a key for good')
    .argument('<access-key-id>')
    .action(async (id: string) => {
      await apiJson(ctx, 'DELETE', keyPath(id));
      if (ctx.globals().json) return ctx.json({ deleted: id });
      ctx.out(`Deleted key ${id}.`);
    });

  keys
    .command('attach')
    .description('attach policies to a key')
    .argument('<access-key-id>')
    .argument('<policies...>')
    .action(async (id: string, policies: string[]) => {
      const key = await apiJson<KeyView>(ctx, 'POST', `${keyPath(id)}/policies`, { policies });
      if (ctx.globals().json) return ctx.json(key);
      ctx.out(`Key ${key.accessKeyId} carries: ${key.policies.join(', ') || '(nothing)'}.`);
    });

  keys
    .command('detach')
    .description('detach a policy from a key')
    .argument('<access-key-id>')
    .argument('<policy>')
    .action(async (id: string, policy: string) => {
      const key = await apiJson<KeyView>(
        ctx,
        'DELETE',
        `${keyPath(id)}/policies/${encodeURIComponent(policy)}`,
      );
      if (ctx.globals().json) return ctx.json(key);
      ctx.out(`Key ${key.accessKeyId} carries: ${key.policies.join(', ') || '(nothing)'}.`);
    });

  registerPolicies(program, ctx);
}

function registerPolicies(program: Command, ctx: CliContext): void {
  const policies = program.command('policies').description('list, show, save and delete policies');

  policies
    .command('ls')
    .alias('list')
    .description('list built-in and saved policies')
    .action(async () => {
      const result = await apiJson<{ policies: PolicyView[] }>(ctx, 'GET', '/policies');
      if (ctx.globals().json) return ctx.json(result);
      ctx.out(
        formatTable(
          ['NAME', 'KIND', 'STATEMENTS', 'DESCRIPTION'],
          result.policies.map((p) => [
            p.name,
            p.builtIn ? 'built-in' : 'saved',
            String(p.document.Statement.length),
            p.description || '-',
          ]),
        ),
      );
    });

  policies
    .command('get')
    .alias('show')
    .description("print a policy's document")
    .argument('<name>')
    .action(async (name: string) => {
      const policy = await apiJson<PolicyView>(ctx, 'GET', policyPath(name));
      ctx.json(ctx.globals().json ? policy : policy.document);
    });

  policies
    .command('put')
    .description('save a policy from a JSON file (creates it or replaces its document)')
    .argument('<name>')
    .argument('<file>', 'the policy document: { "Version": "2012-10-17", "Statement": [...] }')
    .option('--description <text>', 'one line saying what it is for')
    .action(async (name: string, file: string, o: { description?: string }) => {
      let text: string;
      try {
        text = readFileSync(resolve(ctx.cwd, file), 'utf8');
      } catch (error) {
        throw usageError(`Cannot read ${file}: ${(error as Error).message}`);
      }
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (error) {
        throw usageError(`${file} is not JSON: ${(error as Error).message}`);
      }
      const body: Record<string, unknown> = { document };
      if (o.description !== undefined) body.description = o.description;
      const saved = await apiJson<PolicyView>(ctx, 'PUT', policyPath(name), body);
      if (ctx.globals().json) return ctx.json(saved);
      ctx.out(`Saved policy ${saved.name} (${saved.document.Statement.length} statement(s)).`);
    });

  policies
    .command('rm')
    .alias('delete')
    .description('delete a saved policy no key carries')
    .argument('<name>')
    .action(async (name: string) => {
      await apiJson(ctx, 'DELETE', policyPath(name));
      if (ctx.globals().json) return ctx.json({ deleted: name });
      ctx.out(`Deleted policy ${name}.`);
    });
}
