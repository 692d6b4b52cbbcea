/**
 * The one error type the CLI reports. `main.ts` turns it into a single stderr line
 * (`gust: message (CODE)`) and an exit code; nothing else in the CLI prints errors.
 */

/** Exit code for a failed command (API error, function error, unreachable server). */
export const EXIT_FAILURE = 1;
/** Exit code for a command line the CLI could not accept (bad flag, bad JSON payload). */
export const EXIT_USAGE = 2;

export interface CliErrorOptions {
  /** The server's stable error code (ERR_FUNCTION_NOT_FOUND) or AWS error name, when there is one. */
  code?: string;
  /** HTTP status of the response that carried the error. */
  status?: number;
  /** The server's `details` object (manifest issues, limits, ...). */
  details?: Record<string, unknown>;
  exitCode?: number;
  cause?: unknown;
}

export class CliError extends Error {
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly exitCode: number;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = options.code;
    this.status = options.status;
    this.details = options.details;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

/** An error in what the user typed: reported like any other, but exits with code 2. */
export function usageError(message: string, cause?: unknown): CliError {
  return new CliError(
    message,
    cause === undefined ? { exitCode: EXIT_USAGE } : { exitCode: EXIT_USAGE, cause },
  );
}

/**
 * Turns an in-process error (from `startGust` or `redeploy`, which throw the server's GustError)
 * into a CliError, keeping its code and details. Read by shape so the CLI needs no server import.
 */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (!(error instanceof Error)) return new CliError(String(error));
  const { code, details } = error as Error & { code?: unknown; details?: unknown };
  const options: CliErrorOptions = { cause: error };
  if (typeof code === 'string') options.code = code;
  if (typeof details === 'object' && details !== null) options.details = details as Record<string, unknown>;
  return new CliError(error.message, options);
}

/** The one line an error prints: `gust: message (CODE)`. */
export function errorLine(error: CliError, prefix = 'gust: '): string {
  return `${prefix}${error.message}${error.code === undefined ? '' : ` (${error.code})`}`;
}

/**
 * Lines that follow the error line when the server listed what to fix: a manifest error's
 * `details.issues` (`{path, message}`) under `details.file`, leaving out any the message already
 * states. Empty for every other error.
 */
export function issueLines(error: CliError): string[] {
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return [];
  const file = typeof error.details?.file === 'string' ? `${error.details.file}: ` : '';
  const lines: string[] = [];
  for (const issue of issues) {
    const { path, message } = (issue ?? {}) as { path?: unknown; message?: unknown };
    const where = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
    const text = `${where === '' ? '' : `${where}: `}${typeof message === 'string' ? message : JSON.stringify(issue)}`;
    // A message that already names its one problem needs no repeat of it underneath.
    if (!error.message.includes(text)) lines.push(`  ${file}${text}`);
  }
  return lines;
}
