import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { GustError } from '../core/errors.js';
import type { FunctionConfig, HttpRouteConfig } from '../core/types.js';
import {
  MEMORY_MIN_MB,
  manifestSchema,
  type ParsedFunction,
  type ParsedManifest,
} from './manifest-schema.js';
import { validateRoutePath } from './route-path.js';

export const MANIFEST_FILES = ['gust.yaml', 'gust.yml'] as const;
const DEFAULT_TIMEOUT_SEC = 3;

/** One function as the manifest declares it: its configuration and where its code is. */
export interface ManifestFunction {
  name: string;
  /** The `code` folder as written, relative to the app folder ('.' when absent). */
  code: string;
  config: FunctionConfig;
}

export interface Manifest {
  service: string;
  /** The manifest's file name, for error messages. */
  file: string;
  functions: ManifestFunction[];
}

export interface ManifestIssue {
  /** Dotted field path: functions.hello.memory */
  path: string;
  message: string;
}

/** Reads gust.yaml (or gust.yml) from an app folder. */
export async function readManifest(appDir: string): Promise<Manifest> {
  for (const file of MANIFEST_FILES) {
    let text: string;
    try {
      text = await readFile(join(appDir, file), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new GustError('ERR_INVALID_MANIFEST', `${file}: cannot be read: ${(error as Error).message}`, {
        cause: error,
        details: { file },
      });
    }
    return parseManifest(text, file);
  }
  throw new GustError(
    'ERR_INVALID_MANIFEST',
    `No gust.yaml in ${appDir}: an app folder needs a gust.yaml that declares its service and functions.`,
    { details: { file: 'gust.yaml', issues: [{ path: '', message: 'file not found' }] } },
  );
}

/** Parses manifest text. Every problem names the file, the field path and what was expected. */
export function parseManifest(text: string, file = 'gust.yaml'): Manifest {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    // Later YAML errors are nearly always knock-on effects of the first one.
    const first = doc.errors[0];
    const pos = first?.linePos?.[0];
    let message = (first?.message ?? 'invalid YAML').split('\n')[0] ?? '';
    message = message.replace(/ at line \d+, column \d+:?$/, '');
    if (/flow/i.test(message) && /\{[^}]*\}/.test(text)) {
      message += ' (a path with {param} inside { ... } must be quoted: path: "/users/{id}")';
    }
    throw manifestError(file, [{ path: pos ? `line ${pos.line}, column ${pos.col}` : '', message }]);
  }
  if (!isMap(doc.contents)) {
    throw manifestError(file, [{ path: '', message: 'expected a map with service and functions' }]);
  }
  const parsed = manifestSchema.safeParse(doc.toJS(), { reportInput: true });
  if (!parsed.success) throw manifestError(file, parsed.error.issues.map(describeIssue));

  const { service, provider = {}, functions } = parsed.data;
  const issues: ManifestIssue[] = [];
  const result: ManifestFunction[] = [];
  for (const [name, fn] of Object.entries(functions)) {
    const config = toConfig(name, fn, provider, issues);
    if (config) result.push({ name, code: fn.code ?? '.', config });
  }
  checkRouteClashes(result, issues);
  if (issues.length > 0) throw manifestError(file, issues);
  return { service, file, functions: result };
}

function toConfig(
  name: string,
  fn: ParsedFunction,
  provider: NonNullable<ParsedManifest['provider']>,
  issues: ManifestIssue[],
): FunctionConfig | undefined {
  const at = `functions.${name}`;
  const runtime = fn.runtime ?? provider.runtime ?? 'nodejs20.x';
  if (runtime === 'nodejs20.x' && !fn.handler) {
    issues.push({
      path: `${at}.handler`,
      message: 'required for nodejs20.x: file.export, e.g. src/index.handler',
    });
    return undefined;
  }
  if (
    runtime === 'nodejs20.x' &&
    fn.handler &&
    !/^[^.]+(\.[A-Za-z_$][\w$]*)+$/.test(fn.handler.replace(/^.*\//, ''))
  ) {
    issues.push({
      path: `${at}.handler`,
      message: `expected file.export (e.g. src/index.handler), got "${fn.handler}"`,
    });
    return undefined;
  }
  const routes: HttpRouteConfig[] = [];
  (fn.events ?? []).forEach((event, i) => {
    const problem = validateRoutePath(event.http.path);
    if (problem) issues.push({ path: `${at}.events.${i}.http.path`, message: problem });
    else routes.push({ method: event.http.method, path: event.http.path });
  });
  const reserved = fn.reservedConcurrency;
  const provisioned = fn.provisionedConcurrency;
  if (reserved !== undefined && provisioned !== undefined && provisioned > reserved) {
    issues.push({
      path: `${at}.provisionedConcurrency`,
      message: `expected at most reservedConcurrency (${reserved}), got ${provisioned}`,
    });
  }
  const config: FunctionConfig = {
    runtime,
    handler: fn.handler ?? '',
    memoryMB: fn.memory ?? fn.memorySize ?? provider.memory ?? provider.memorySize ?? MEMORY_MIN_MB,
    timeoutSec: fn.timeout ?? provider.timeout ?? DEFAULT_TIMEOUT_SEC,
    environment: stringify({ ...provider.environment, ...fn.environment }),
    routes,
  };
  if (reserved !== undefined) config.reservedConcurrency = reserved;
  if (provisioned !== undefined && provisioned > 0) config.provisionedConcurrency = provisioned;
  if (fn.description !== undefined) config.description = fn.description;
  return config;
}

function stringify(env: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = String(v);
  return out;
}

function checkRouteClashes(functions: ManifestFunction[], issues: ManifestIssue[]): void {
  const seen = new Map<string, string>();
  for (const fn of functions) {
    fn.config.routes.forEach((route, i) => {
      const key = `${route.method} ${normaliseTemplate(route.path)}`;
      const owner = seen.get(key);
      if (owner) {
        issues.push({
          path: `functions.${fn.name}.events.${i}.http`,
          message: `route ${route.method} ${route.path} is already declared by function ${owner}`,
        });
      } else seen.set(key, fn.name);
    });
  }
}

/** /users/{id} and /users/{name} are the same route: parameter names do not distinguish paths. */
export function normaliseTemplate(path: string): string {
  return path.replace(/\{[^}]+\+\}/g, '{+}').replace(/\{[^}+]+\}/g, '{}');
}

function describeIssue(issue: z.core.$ZodIssue): ManifestIssue {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}` };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return { path, message: `required: ${issue.message}` };
  return { path, message: issue.message };
}

function manifestError(file: string, issues: ManifestIssue[]): GustError {
  const lines = issues.map((i) => (i.path ? `${file}: ${i.path}: ${i.message}` : `${file}: ${i.message}`));
  const message =
    lines.length === 1 ? (lines[0] ?? '') : `${file} has ${lines.length} problems:\n  ${lines.join('\n  ')}`;
  return new GustError('ERR_INVALID_MANIFEST', message, { details: { file, issues } });
}
