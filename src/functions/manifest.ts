import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { GustError } from '../core/errors.js';
import { checkPermissions, toQueues, toRules, withoutUndefined } from './manifest-sections.js';

export { scheduledRulePattern } from './manifest-sections.js';

import type {
  AsyncConfig,
  EventRuleConfig,
  FunctionConfig,
  HttpRouteConfig,
  QueueEventConfig,
  ScheduleConfig,
} from '../core/types.js';
import type { RuleSchedule } from '../store/rule-repository.js';
import { applyRouteOptions, checkAuthorizers } from './http-options.js';
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

/** A queue the manifest declares (settings as written; defaults are applied by the queue service). */
export interface ManifestQueue {
  name: string;
  visibilityTimeoutSec?: number;
  maxReceiveCount?: number;
  deadLetterQueue?: string;
  retentionSec?: number;
  delaySec?: number;
}

/** An event-bus rule whose targets are not (only) functions. */
export interface ManifestRule {
  name: string;
  bus: string;
  /** For a scheduled rule, the pattern of its own Scheduled Events (see scheduledRulePattern). */
  pattern: Record<string, unknown>;
  /** function:NAME, queue:NAME or workflow:NAME */
  targets: string[];
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
  /** A scheduled rule fires at these times instead of matching published events. */
  schedule?: RuleSchedule;
}

export interface Manifest {
  service: string;
  /** The manifest's file name, for error messages. */
  file: string;
  functions: ManifestFunction[];
  queues: ManifestQueue[];
  rules: ManifestRule[];
  /** `provider.production: true`: the app must run with sandboxed instances. */
  production: boolean;
  /** Workflows (ASL state machines) and their definition files, when the manifest declares any. */
  workflows?: ManifestWorkflow[];
}

/** A workflow the manifest declares: its name and definition file (relative to the app folder). */
export interface ManifestWorkflow {
  name: string;
  definition: string;
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
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // yaml refuses documents whose aliases expand without bound ("billion laughs"): a client's
    // mistake, not a server failure.
    throw manifestError(file, [{ path: '', message: (error as Error).message }]);
  }
  const parsed = manifestSchema.safeParse(value, { reportInput: true });
  if (!parsed.success)
    throw manifestError(
      file,
      parsed.error.issues.flatMap((i) => describeIssue(i)),
    );

  const { service, provider = {}, functions } = parsed.data;
  const issues: ManifestIssue[] = [];
  const result: ManifestFunction[] = [];
  for (const [name, fn] of Object.entries(functions)) {
    const config = toConfig(name, fn, provider, issues);
    if (config) result.push({ name, code: fn.code ?? '.', config });
  }
  checkRouteClashes(result, issues);
  const queues = toQueues(parsed.data.queues ?? {});
  const rules = toRules(parsed.data.rules ?? {}, issues);
  checkReferences(result, queues, rules, issues);
  checkAuthorizers(result, issues);
  if (issues.length > 0) throw manifestError(file, issues);
  const workflows = Object.entries(parsed.data.workflows ?? {}).map(([name, w]) => ({
    name,
    definition: w.definition,
  }));
  return {
    service,
    file,
    functions: result,
    queues,
    rules,
    production: provider.production === true,
    ...(workflows.length > 0 ? { workflows } : {}),
  };
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
  const queues: QueueEventConfig[] = [];
  const rules: EventRuleConfig[] = [];
  const schedules: ScheduleConfig[] = [];
  (fn.events ?? []).forEach((event, i) => {
    const where = `${at}.events.${i}`;
    if (event.http) {
      const problem = validateRoutePath(event.http.path);
      if (problem) issues.push({ path: `${where}.http.path`, message: problem });
      else {
        const route: HttpRouteConfig = { method: event.http.method, path: event.http.path };
        const ttl = 'idempotency' in event.http ? ttlOf(event.http.idempotency) : undefined;
        if (ttl !== undefined) route.idempotencyTtlSec = ttl;
        applyRouteOptions(route, event.http, provider, `${where}.http`, issues);
        routes.push(route);
      }
    } else if (event.queue !== undefined) {
      const q = typeof event.queue === 'string' ? { name: event.queue } : event.queue;
      queues.push({
        queue: q.name,
        batchSize: q.batchSize ?? 10,
        maximumBatchingWindowSec: q.maximumBatchingWindow ?? 0,
        maximumConcurrency: q.maximumConcurrency ?? Math.min(fn.reservedConcurrency ?? 5, 5),
      });
    } else if (event.eventBridge) {
      const e = event.eventBridge;
      const rule: EventRuleConfig = {
        name: e.name ?? `${name}-rule-${rules.length + 1}`,
        eventIndex: i,
        bus: e.bus ?? e.eventBus ?? 'default',
        pattern: e.pattern,
      };
      if (e.inputTransformer) rule.inputTransformer = withoutUndefined(e.inputTransformer);
      rules.push(rule);
    } else if (event.schedule !== undefined) {
      const schedule = toSchedule(name, event.schedule, schedules.length + 1, i, `${where}.schedule`, issues);
      if (schedule) schedules.push(schedule);
    }
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
  if (queues.length > 0) config.queues = queues;
  if (rules.length > 0) config.rules = rules;
  if (schedules.length > 0) config.schedules = schedules;
  if (fn.maximumRetryAttempts !== undefined || fn.maximumEventAge !== undefined || fn.destinations) {
    const async: AsyncConfig = {
      maximumRetryAttempts: fn.maximumRetryAttempts ?? DEFAULT_ASYNC.maximumRetryAttempts,
      maximumEventAgeSec: fn.maximumEventAge ?? DEFAULT_ASYNC.maximumEventAgeSec,
    };
    if (fn.destinations?.onSuccess) async.onSuccess = fn.destinations.onSuccess;
    if (fn.destinations?.onFailure) async.onFailure = fn.destinations.onFailure;
    config.async = async;
  }
  const functionTtl = ttlOf(fn.idempotency);
  if (functionTtl !== undefined) config.idempotencyTtlSec = functionTtl;
  if (reserved !== undefined) config.reservedConcurrency = reserved;
  if (provisioned !== undefined && provisioned > 0) config.provisionedConcurrency = provisioned;
  if (fn.description !== undefined) config.description = fn.description;
  // 'outbound' is the default and is not stored, so it does not change the version id.
  if ((fn.network ?? provider.network) === 'none') config.network = 'none';
  // The role: what the function may do through Gust's API with its instance's credentials.
  const permissions = [...(provider.permissions ?? []), ...(fn.permissions ?? [])];
  if (permissions.length > 0) {
    const checked = checkPermissions(permissions, `${at}.permissions`, issues);
    if (checked !== undefined) config.permissions = checked;
  }
  const policies = [...new Set([...(provider.policies ?? []), ...(fn.policies ?? [])])];
  if (policies.length > 0) config.policies = policies;
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

/** Lambda's defaults for asynchronous invocation. */
export const DEFAULT_ASYNC: AsyncConfig = { maximumRetryAttempts: 2, maximumEventAgeSec: 6 * 3600 };

function ttlOf(value: number | { ttl: number } | undefined): number | undefined {
  return value === undefined ? undefined : typeof value === 'number' ? value : value.ttl;
}

type ScheduleInput = NonNullable<
  z.output<typeof manifestSchema>['functions'][string]['events']
>[number]['schedule'];

function toSchedule(
  fnName: string,
  input: NonNullable<ScheduleInput>,
  n: number,
  eventIndex: number,
  where: string,
  issues: ManifestIssue[],
): ScheduleConfig | undefined {
  if (typeof input === 'string') {
    return { name: `${fnName}-schedule-${n}`, eventIndex, expression: input, enabled: true, missed: 'skip' };
  }
  const rate = Array.isArray(input.rate) ? input.rate[0] : input.rate;
  if ((rate === undefined) === (input.cron === undefined)) {
    issues.push({ path: where, message: 'expected exactly one of rate or cron' });
    return undefined;
  }
  let expression = rate ?? input.cron ?? '';
  // The Serverless Framework's `rate` key also takes a cron(...) expression; a bare value is a rate.
  if (rate !== undefined && !/^\s*(rate|cron)\(/.test(rate)) expression = `rate(${rate})`;
  const schedule: ScheduleConfig = {
    name: input.name ?? `${fnName}-schedule-${n}`,
    eventIndex,
    expression,
    enabled: input.enabled ?? true,
    missed: input.missed ?? 'skip',
  };
  if (input.timezone !== undefined) schedule.timezone = input.timezone;
  if (input.input !== undefined)
    schedule.input = typeof input.input === 'string' ? input.input : JSON.stringify(input.input);
  return schedule;
}

function checkReferences(
  functions: ManifestFunction[],
  queues: ManifestQueue[],
  rules: ManifestRule[],
  issues: ManifestIssue[],
): void {
  const queueNames = new Set(queues.map((q) => q.name));
  const functionNames = new Set(functions.map((f) => f.name));
  const known = (target: string) => {
    const [kind, name = ''] = target.split(':');
    return kind === 'queue' ? queueNames.has(name) : kind === 'function' ? functionNames.has(name) : true;
  };
  for (const q of queues) {
    if (q.deadLetterQueue !== undefined && !queueNames.has(q.deadLetterQueue)) {
      issues.push({
        path: `queues.${q.name}.deadLetterQueue`,
        message: `queue ${q.deadLetterQueue} is not declared under queues`,
      });
    }
    if ((q.deadLetterQueue === undefined) !== (q.maxReceiveCount === undefined)) {
      issues.push({
        path: `queues.${q.name}`,
        message: 'maxReceiveCount and deadLetterQueue go together: set both, or neither',
      });
    }
  }
  for (const fn of functions) {
    fn.config.queues?.forEach((q) => {
      if (!queueNames.has(q.queue)) {
        issues.push({
          path: `functions.${fn.name}.events`,
          message: `queue ${q.queue} is not declared under queues`,
        });
      }
    });
    for (const [key, target] of Object.entries({
      onSuccess: fn.config.async?.onSuccess,
      onFailure: fn.config.async?.onFailure,
    })) {
      if (target !== undefined && !known(target)) {
        issues.push({
          path: `functions.${fn.name}.destinations.${key}`,
          message: `${target} is not declared in this manifest`,
        });
      }
    }
  }
  for (const rule of rules) {
    rule.targets.forEach((t, i) => {
      if (!known(t))
        issues.push({
          path: `rules.${rule.name}.targets.${i}`,
          message: `${t} is not declared in this manifest`,
        });
    });
  }
}

/** /users/{id} and /users/{name} are the same route: parameter names do not distinguish paths. */
export function normaliseTemplate(path: string): string {
  return path.replace(/\{[^}]+\+\}/g, '{+}').replace(/\{[^}+]+\}/g, '{}');
}

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): ManifestIssue[] {
  const at = [...prefix, ...issue.path];
  // A union reports only its own message; when one alternative got past the type check (an object
  // form with a wrong field), that alternative's issues say what is wrong far better.
  if (issue.code === 'invalid_union') {
    const branch = closestBranch(issue.errors);
    if (branch !== undefined) return branch.flatMap((i) => describeIssue(i, at));
  }
  return [describeOne(issue, at.map(String).join('.'))];
}

/** The alternative of a union whose issues go deepest (not merely "wrong type"), if any. */
function closestBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  const typeOnly = (i: z.core.$ZodIssue) =>
    i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
  const candidates = branches.filter((b) => b.length > 0 && !b.every(typeOnly));
  return candidates.find((b) => b.some((i) => i.path.length > 0)) ?? candidates[0];
}

function describeOne(issue: z.core.$ZodIssue, path: string): ManifestIssue {
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
