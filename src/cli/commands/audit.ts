/** `gust audit`: who did what, when, from where, and how it ended. */
import type { Command } from 'commander';
import type { AuditEntry } from '../../store/security-repositories.js';
import { integerOption, parseSince } from '../args.js';
import type { CliContext } from '../context.js';
import { formatTime } from '../format.js';
import { formatTable } from '../table.js';
import { apiJson, cell } from './queues.js';

interface AuditOptions {
  principal?: string;
  action?: string;
  resource?: string;
  outcome?: string;
  since?: string;
  limit?: number;
}

export function registerAudit(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('show the audit log, newest first: control-plane actions, secret reads and denials')
    .option('--principal <id>', 'only this access key id (or function:NAME, unauthenticated)')
    .option('--action <action>', 'only this action, e.g. function:Deploy')
    .option('--resource <prefix>', 'only resources starting with this, e.g. gust:function:orders')
    .option('--outcome <outcome>', 'allowed, denied or failed')
    .option('--since <time>', 'only entries since this time: 10m, 2h, 1d or an ISO date')
    .option('--limit <n>', 'at most this many entries (1-1000, default 100)', integerOption(1, 1000))
    .action(async (o: AuditOptions) => {
      const query = new URLSearchParams();
      if (o.principal !== undefined) query.set('principal', o.principal);
      if (o.action !== undefined) query.set('action', o.action);
      if (o.resource !== undefined) query.set('resource', o.resource);
      if (o.outcome !== undefined) query.set('outcome', o.outcome);
      if (o.since !== undefined) query.set('since', String(parseSince(o.since, ctx.now())));
      if (o.limit !== undefined) query.set('limit', String(o.limit));
      const qs = query.toString();
      const result = await apiJson<{ entries: AuditEntry[] }>(
        ctx,
        'GET',
        `/audit${qs === '' ? '' : `?${qs}`}`,
      );
      if (ctx.globals().json) return ctx.json(result);
      if (result.entries.length === 0) return ctx.out('No audit entries match.');
      ctx.out(
        formatTable(
          ['TIME', 'PRINCIPAL', 'ACTION', 'RESOURCE', 'OUTCOME', 'FROM', 'REASON'],
          result.entries.map((e) => [
            formatTime(e.at),
            e.principal,
            e.action,
            e.resource,
            `${e.outcome} ${e.status}`,
            e.sourceIp,
            cell(e.reason ?? null, 60),
          ]),
        ),
      );
    });
}
