/**
 * The sections of a manifest beside functions: queues, top-level rules (patterns or schedules), and
 * function roles' statements, turned into what Manifest holds, with problems as issues.
 */
import { type PolicyIssue, type PolicyStatement, parsePolicy } from '../auth/policy/document.js';
import type { GustError } from '../core/errors.js';
import type { RuleSchedule } from '../store/rule-repository.js';
import type { ManifestIssue, ManifestQueue, ManifestRule } from './manifest.js';
import type { ParsedManifest } from './manifest-schema.js';

/**
 * The pattern of a scheduled rule: the Scheduled Events the scheduler publishes for it (source
 * `aws.events`, and the rule's ARN, whatever the region and account, among the resources).
 */
export function scheduledRulePattern(bus: string, name: string): Record<string, unknown> {
  const path = bus === 'default' ? name : `${bus}/${name}`;
  return {
    source: ['aws.events'],
    'detail-type': ['Scheduled Event'],
    resources: [{ suffix: `:rule/${path}` }],
  };
}

export function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

export function toQueues(queues: NonNullable<ParsedManifest['queues']>): ManifestQueue[] {
  return Object.entries(queues).map(([name, q]) => {
    const out: ManifestQueue = { name };
    if (q?.visibilityTimeout !== undefined) out.visibilityTimeoutSec = q.visibilityTimeout;
    if (q?.maxReceiveCount !== undefined) out.maxReceiveCount = q.maxReceiveCount;
    if (q?.deadLetterQueue !== undefined) out.deadLetterQueue = q.deadLetterQueue;
    if (q?.retention !== undefined) out.retentionSec = q.retention;
    if (q?.delay !== undefined) out.delaySec = q.delay;
    return out;
  });
}

export function toRules(
  rules: NonNullable<ParsedManifest['rules']>,
  issues: ManifestIssue[],
): ManifestRule[] {
  return Object.entries(rules).map(([name, r]) => {
    const bus = r.bus ?? 'default';
    if ((r.pattern === undefined) === (r.schedule === undefined)) {
      issues.push({ path: `rules.${name}`, message: 'expected exactly one of pattern or schedule' });
    }
    const schedule =
      r.schedule === undefined ? undefined : toRuleSchedule(r.schedule, `rules.${name}.schedule`, issues);
    const rule: ManifestRule = {
      name,
      bus,
      pattern: r.pattern ?? scheduledRulePattern(bus, name),
      targets: r.targets,
    };
    if (r.inputTransformer) rule.inputTransformer = withoutUndefined(r.inputTransformer);
    if (schedule !== undefined) rule.schedule = schedule;
    return rule;
  });
}

function toRuleSchedule(
  input:
    | string
    | {
        rate?: string | undefined;
        cron?: string | undefined;
        timezone?: string | undefined;
        enabled?: boolean | undefined;
      },
  where: string,
  issues: ManifestIssue[],
): RuleSchedule | undefined {
  if (typeof input === 'string') return { expression: input, enabled: true };
  if ((input.rate === undefined) === (input.cron === undefined)) {
    issues.push({ path: where, message: 'expected exactly one of rate or cron' });
    return undefined;
  }
  let expression = input.rate ?? input.cron ?? '';
  if (input.rate !== undefined && !/^\s*(rate|cron)\(/.test(input.rate)) expression = `rate(${input.rate})`;
  const schedule: RuleSchedule = { expression, enabled: input.enabled ?? true };
  if (input.timezone !== undefined) schedule.timezone = input.timezone;
  return schedule;
}

/** Queues, dead-letter queues and destinations named in the manifest must be declared in it. */
/** Validates a role's statements as a policy document; problems become manifest issues under `at`. */
export function checkPermissions(
  statements: unknown[],
  at: string,
  issues: ManifestIssue[],
): PolicyStatement[] | undefined {
  try {
    return parsePolicy({ Version: '2012-10-17', Statement: statements }).Statement;
  } catch (error) {
    const found = (error as GustError).details?.issues as PolicyIssue[] | undefined;
    for (const issue of found ?? [{ path: '', message: (error as Error).message }]) {
      // The parser's paths start at Statement[i]; the manifest's list is the Statement list.
      const path = issue.path.replace(/^Statement\[(\d+)\]/, '[$1]').replace(/^Statement/, '');
      issues.push({
        path: `${at}${path.startsWith('[') || path === '' ? '' : '.'}${path}`,
        message: issue.message,
      });
    }
    return undefined;
  }
}
