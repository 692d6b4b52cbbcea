/**
 * Helpers for the runtime's tests: fixture functions written to temp dirs at test time, specs,
 * requests, and waiting for asynchronous process events. Not used by production code.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FunctionSpec, InstanceLogLine, InvokeRequest, LogListener } from './types.js';

/** A fresh temp dir; removed by `removeDir` in the test's cleanup. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `gust-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (path → content; paths ending in `bootstrap` or `.sh` are made executable). */
export function writeFunction(root: string, name: string, files: Record<string, string>): string {
  const codeDir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    const file = join(codeDir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    if (path.endsWith('bootstrap') || path.endsWith('.sh')) chmodSync(file, 0o755);
  }
  mkdirSync(codeDir, { recursive: true });
  return codeDir;
}

let versionCounter = 0;

export function specFor(codeDir: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    functionName: 'fn',
    versionId: `v${++versionCounter}`,
    executedVersion: '$LATEST',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    codeDir,
    memoryMB: 256,
    timeoutSec: 10,
    environment: {},
    region: 'eu-west-1',
    accountId: '123456789012',
    ...overrides,
  };
}

let requestCounter = 0;

export function request(event: unknown = {}, overrides: Partial<InvokeRequest> = {}): InvokeRequest {
  return {
    requestId: `req-${++requestCounter}`,
    payload: JSON.stringify(event),
    deadline: Date.now() + 60_000,
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
    traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
    ...overrides,
  };
}

/** A listener that records lines. */
export function logCollector(): { lines: InstanceLogLine[]; listener: LogListener; messages(): string[] } {
  const lines: InstanceLogLine[] = [];
  return { lines, listener: (line) => lines.push(line), messages: () => lines.map((l) => l.message) };
}

/**
 * Waits until `condition` holds, polling. The limit only turns a hang into a failure with a message;
 * tests never assert on how long something took.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 15_000,
): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function processExists(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); it is gone for our purposes.
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Pids of the direct children of this test process (Linux). */
export function childPids(): number[] {
  try {
    return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
      .split(' ')
      .filter((s) => s.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}
