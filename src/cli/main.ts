/**
 * The `gust` command. `runCli` parses argv, runs one command against the injected I/O and returns
 * the exit code; it never exits the process or touches process.stdout itself, so tests run it
 * in-process. bin/gust.js wires it to the real process.
 *
 * Exit codes: 0 success, 1 failure (API error, function error, unreachable server), 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_USAGE, errorLine, issueLines } from './cli-error.js';
import { registerAudit } from './commands/audit.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDlq } from './commands/dlq.js';
import { registerEvents } from './commands/events.js';
import { registerFunctions } from './commands/functions.js';
import { registerInvocations } from './commands/invocations.js';
import { registerInvoke } from './commands/invoke.js';
import { registerKeys } from './commands/keys.js';
import { registerLogs } from './commands/logs.js';
import { registerQueues } from './commands/queues.js';
import { registerRules } from './commands/rules.js';
import { registerSchedules } from './commands/schedules.js';
import { registerSecrets } from './commands/secrets.js';
import { registerStatus } from './commands/status.js';
import { registerUp } from './commands/up.js';
import { registerWorkflows } from './commands/workflows.js';
import { type CliContext, type CliIo, createContext, DEFAULT_ENDPOINT } from './context.js';

export type { CliIo, Writer } from './context.js';

/** Runs the CLI with `argv` (the arguments after `gust`) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let program: Command | undefined;
  const ctx = createContext(io, () => program?.opts() ?? {});
  program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    const debug = program.opts().debug === true || argv.includes('--debug');
    return report(error, ctx, debug);
  }
}

function buildProgram(ctx: CliContext): Command {
  const program = new Command('gust')
    .description('Gust: run serverless functions on your own machine.')
    .version(packageVersion(), '-V, --version')
    .addOption(
      new Option(
        '--endpoint <url>',
        `Gust server to talk to (default: $GUST_ENDPOINT or ${DEFAULT_ENDPOINT})`,
      ),
    )
    .option('--json', 'print the raw JSON response (for scripts)')
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      // Commander's parse errors read "error: unknown option '--x'\n(Did you mean --y?)"; keep the
      // CLI's one-line shape.
      outputError: (text, write) =>
        write(
          `gust: ${text
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n+/g, ' ')}\n`,
        ),
    });
  // Settings above are inherited by subcommands created with .command(), so register after them.
  registerUp(program, ctx);
  registerDeploy(program, ctx);
  registerInvoke(program, ctx);
  registerLogs(program, ctx);
  registerFunctions(program, ctx);
  registerInvocations(program, ctx);
  registerQueues(program, ctx);
  registerDlq(program, ctx);
  registerEvents(program, ctx);
  registerRules(program, ctx);
  registerSchedules(program, ctx);
  registerSecrets(program, ctx);
  registerWorkflows(program, ctx);
  registerKeys(program, ctx);
  registerAudit(program, ctx);
  registerStatus(program, ctx);
  return program;
}

function report(error: unknown, ctx: CliContext, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander already printed help, the version, or its one-line message. Help that was asked
    // for (--help, `gust help x`) and --version carry exit code 0; help shown because a command
    // was missing (`gust`, `gust functions`) carries 1, which is a usage error here.
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  const cliError =
    error instanceof CliError ? error : new CliError(error instanceof Error ? error.message : String(error));
  let line = errorLine(cliError);
  if (!(error instanceof CliError) && !debug) line += ' (run with --debug for the stack trace)';
  ctx.err(line);
  for (const issue of issueLines(cliError)) ctx.err(issue);
  if (debug) {
    let current: unknown = error;
    for (let depth = 0; depth < 5 && current !== undefined; depth++) {
      ctx.err(current instanceof Error ? (current.stack ?? String(current)) : String(current));
      current = current instanceof Error ? current.cause : undefined;
      if (current !== undefined) ctx.err('Caused by:');
    }
  }
  return error instanceof CliError ? error.exitCode : EXIT_FAILURE;
}

function packageVersion(): string {
  try {
    // Compiled to dist/src/cli/main.js, three levels below the package root.
    const url = new URL('../../../package.json', import.meta.url);
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
