/** `gust logs NAME`: a function's log lines, optionally followed live by polling with afterId. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { LogEntry, LogQuery } from '../api-types.js';
import { integerOption, parseSince } from '../args.js';
import type { CliContext } from '../context.js';
import { formatTime, shortRequestId } from '../format.js';

/** How often --follow asks for new lines. */
export const FOLLOW_INTERVAL_MS = 500;

interface LogsOptions {
  follow?: boolean;
  since?: string;
  request?: string;
  limit?: number;
}

export function registerLogs(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .description("print a function's log lines, oldest first")
    .argument('<name>', 'function name')
    .option('-f, --follow', 'keep printing new lines until Ctrl+C')
    .option('--since <time>', 'only lines after this: 10m, 1h, 2d, an ISO time, or epoch milliseconds')
    .option('--request <id>', 'only lines of this request id')
    .option('--limit <n>', 'at most this many lines (the newest that match)', integerOption(1, 10_000))
    .action(async (name: string, options: LogsOptions) => {
      const query: LogQuery = {};
      if (options.since !== undefined) query.since = parseSince(options.since, ctx.now());
      if (options.request !== undefined) query.requestId = options.request;
      if (options.limit !== undefined) query.limit = options.limit;
      const client = ctx.client();
      const { json } = ctx.globals();

      const first = await client.logs(name, query);
      if (options.follow !== true) {
        if (json) return ctx.json(first);
        for (const entry of first.logs) ctx.out(formatLogLine(entry));
        return;
      }

      // Following: one JSON object per line with --json (NDJSON), so a script can stream it.
      const print = (entries: LogEntry[]) => {
        for (const entry of entries) ctx.out(json ? JSON.stringify(entry) : formatLogLine(entry));
      };
      print(first.logs);
      const stop = new AbortController();
      const unsubscribe = ctx.onSignal(() => stop.abort());
      let afterId = first.lastId;
      try {
        while (!stop.signal.aborted) {
          await sleep(FOLLOW_INTERVAL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
          if (stop.signal.aborted) break;
          const page = await client.logs(name, { ...query, afterId });
          print(page.logs);
          afterId = Math.max(afterId, page.lastId);
        }
      } finally {
        unsubscribe();
      }
    });
}

/** `time  request  LEVEL  message`: the request id short (`-` for none), the level padded so messages line up. */
export function formatLogLine(entry: LogEntry): string {
  // Lines without a level (platform START/END/REPORT, unstructured output) leave the column blank.
  const level = entry.level ?? '';
  const message = entry.message.replace(/\n+$/, '');
  return `${formatTime(entry.time)}  ${shortRequestId(entry.requestId).padEnd(8)}  ${level.padEnd(5)}  ${message}`.trimEnd();
}
