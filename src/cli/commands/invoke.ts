/** `gust invoke NAME`: calls a function through the Lambda Invoke API and prints its result. */
import type { Command } from 'commander';
import type { InvokeRequest } from '../api-types.js';
import { readPayload } from '../args.js';
import { EXIT_FAILURE } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { prettyJson } from '../format.js';

interface InvokeOptions {
  payload?: string;
  qualifier?: string;
  async?: boolean;
  log?: boolean;
}

export function registerInvoke(program: Command, ctx: CliContext): void {
  program
    .command('invoke')
    .description('invoke a function and print its result')
    .argument('<name>', 'function name')
    .option('-p, --payload <json>', 'the event: inline JSON, or @file to read it from a file')
    .option('-q, --qualifier <qualifier>', '$LATEST (default), a published version number, or an alias')
    .option('--async', 'invoke asynchronously (Event): print the request id and return')
    .option('--log', "print the invocation's log tail (to stderr)")
    .action(async (name: string, options: InvokeOptions) => {
      const request: InvokeRequest = { payload: readPayload(options.payload, ctx.cwd) };
      if (options.qualifier !== undefined) request.qualifier = options.qualifier;
      if (options.async === true) request.async = true;
      if (options.log === true) request.logTail = true;
      const { json } = ctx.globals();
      const response = await ctx.client().invoke(name, request);

      if (options.async === true) {
        if (json) return ctx.json({ status: response.status, requestId: response.requestId });
        return ctx.out(
          `Accepted: ${name} will run asynchronously (request ${response.requestId ?? 'unknown'}).`,
        );
      }
      if (response.logTail !== null) ctx.stderr.write(withNewline(response.logTail));
      ctx.out(json ? response.body : prettyJson(response.body));
      if (response.functionError !== null) {
        ctx.err(`gust: ${name} failed: ${describeFunctionError(response.body)} (${response.functionError})`);
        ctx.exitCode = EXIT_FAILURE;
      }
    });
}

/** `errorType: errorMessage` from Lambda's error payload, or the raw body if it is something else. */
function describeFunctionError(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown; errorMessage?: unknown };
    const parts = [parsed.errorType, parsed.errorMessage].filter((p): p is string => typeof p === 'string');
    if (parts.length > 0) return firstLine(parts.join(': '));
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return firstLine(body);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function withNewline(text: string): string {
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}
