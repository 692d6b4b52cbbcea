import { z } from 'zod';
import { GustError } from '../../core/errors.js';
import type { RoleStatement } from '../../core/types.js';
import { actionPatternProblem } from './action-index.js';
import { resourcePatternProblem } from './resources.js';
import { closest } from './suggest.js';

/**
 * Policy documents, IAM style: `{ Version?, Statement }`, each statement `{ Sid?, Effect, Action |
 * NotAction, Resource | NotResource }`, where Statement and each list may be one value or an array.
 * `parsePolicy` checks everything a statement names against the catalogue, so a typo is an error
 * naming its place (`Statement[0].Action[1]`), never a statement that silently does nothing.
 */

/** Limits that keep a policy readable and `authorize` cheap. */
export const POLICY_LIMITS = { statements: 100, entries: 100, patternLength: 512, sidLength: 128 } as const;

/** One statement, normalised: every list is an array. */
/** A parsed statement, normalised (every list an array); core/types.ts holds its shape. */
export type PolicyStatement = RoleStatement;

/** A parsed policy, normalised: Statement is an array. */
export interface PolicyDocument {
  Version?: '2012-10-17';
  Id?: string;
  Statement: PolicyStatement[];
}

export interface PolicyIssue {
  /** Where in the document, as written: `Statement[0].Action[1]`, `Statement.Effect`, `` for the root. */
  path: string;
  message: string;
}

const pattern = (what: 'action' | 'resource') =>
  z
    .string({ error: `expected ${what === 'action' ? 'an action' : 'a resource'} as a string` })
    .min(1, { error: `an empty string is not ${what === 'action' ? 'an action' : 'a resource'}` })
    .max(POLICY_LIMITS.patternLength, { error: `longer than ${POLICY_LIMITS.patternLength} characters` })
    .superRefine((value, ctx) => {
      // An empty or overlong string already has its issue.
      if (value === '' || value.length > POLICY_LIMITS.patternLength) return;
      const problem = what === 'action' ? actionPatternProblem(value) : resourcePatternProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** One value or a list of them; the output is always a list. */
const oneOrMany = (item: z.ZodType<string>, what: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? [value] : value),
    z
      .array(item, { error: `expected ${what} or a list of them` })
      .min(1, { error: `the list is empty; give at least one ${what}` })
      .max(POLICY_LIMITS.entries, { error: `more than ${POLICY_LIMITS.entries} entries` }),
  );

const statementSchema = z
  .strictObject({
    Sid: z
      .string({ error: 'expected a string' })
      .min(1, { error: 'an empty Sid; leave it out instead' })
      .max(POLICY_LIMITS.sidLength, { error: `longer than ${POLICY_LIMITS.sidLength} characters` })
      .optional(),
    Effect: z.enum(['Allow', 'Deny'], {
      error: (issue) => `expected "Allow" or "Deny", got ${JSON.stringify(issue.input) ?? 'nothing'}`,
    }),
    Action: oneOrMany(pattern('action'), 'action').optional(),
    NotAction: oneOrMany(pattern('action'), 'action').optional(),
    Resource: oneOrMany(pattern('resource'), 'resource').optional(),
    NotResource: oneOrMany(pattern('resource'), 'resource').optional(),
  })
  .superRefine((statement, ctx) => {
    for (const [key, not] of [
      ['Action', 'NotAction'],
      ['Resource', 'NotResource'],
    ] as const) {
      const count = (statement[key] ? 1 : 0) + (statement[not] ? 1 : 0);
      if (count !== 1) {
        const message = count === 0 ? `${key} (or ${not}) is missing` : `give ${key} or ${not}, not both`;
        ctx.addIssue({ code: 'custom', message });
      }
    }
  });

const documentSchema = z
  .strictObject({
    Version: z
      .literal('2012-10-17', { error: 'expected "2012-10-17", the policy language version Gust reads' })
      .optional(),
    Id: z.string({ error: 'expected a string' }).optional(),
    Statement: z.preprocess(
      (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? [value] : value),
      z
        .array(statementSchema, { error: 'expected a statement object or a list of them' })
        .min(1, { error: 'no statements: a policy needs at least one' })
        .max(POLICY_LIMITS.statements, { error: `more than ${POLICY_LIMITS.statements} statements` }),
    ),
  })
  .superRefine((document, ctx) => {
    const seen = new Set<string>();
    document.Statement.forEach((statement, index) => {
      if (statement.Sid === undefined) return;
      if (seen.has(statement.Sid)) {
        ctx.addIssue({ code: 'custom', path: ['Statement', index, 'Sid'], message: 'the same Sid twice' });
      }
      seen.add(statement.Sid);
    });
  });

/**
 * Parses and checks a policy document: JSON text or an already-parsed value. Throws
 * `ERR_INVALID_POLICY` listing every problem with its path (`details.issues`), the first in the
 * message; `name` (the policy's name) prefixes the message when given.
 */
export function parsePolicy(input: unknown, name?: string): PolicyDocument {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw policyError(name, [{ path: '', message: `not JSON: ${(error as Error).message}` }], error);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw policyError(name, [{ path: '', message: 'expected an object { Version, Statement }' }]);
  }
  const parsed = documentSchema.safeParse(value);
  if (parsed.success) return parsed.data as PolicyDocument;
  throw policyError(
    name,
    parsed.error.issues.flatMap((issue) => describeIssue(issue, value)),
  );
}

const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource'];
const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'];
const UNSUPPORTED: Record<string, string> = {
  Condition: 'Condition is not supported: Gust policies have no conditions; narrow the Resource instead',
  Principal: 'Principal is not used: a policy applies to the keys it is attached to',
  NotPrincipal: 'NotPrincipal is not used: a policy applies to the keys it is attached to',
};

function describeIssue(issue: z.core.$ZodIssue, input: unknown): PolicyIssue[] {
  const path = renderPath(issue.path, input);
  if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
  const known = issue.path.length === 0 ? DOCUMENT_KEYS : STATEMENT_KEYS;
  return issue.keys.map((key) => {
    const nearest = closest(key, known);
    const message =
      UNSUPPORTED[key] ?? `unknown field${nearest ? `; did you mean ${nearest}?` : ` (${known.join(', ')})`}`;
    return { path: path ? `${path}.${key}` : key, message };
  });
}

/**
 * Renders a path as the user wrote the document: `Statement[0].Action[1]`, but `Statement.Action`
 * where Statement was one object and Action one string (the parser wrapped them in lists).
 */
function renderPath(path: readonly PropertyKey[], input: unknown): string {
  let text = '';
  let value = input;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(value)) continue;
      text += `[${segment}]`;
      value = value[segment];
    } else {
      const key = String(segment);
      text += text ? `.${key}` : key;
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return text;
}

function policyError(name: string | undefined, issues: PolicyIssue[], cause?: unknown): GustError {
  const lines = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  const subject = name === undefined ? 'The policy' : `Policy '${name}'`;
  const message =
    lines.length === 1
      ? `${subject} is not valid: ${lines[0]}`
      : `${subject} has ${lines.length} problems:\n  ${lines.join('\n  ')}`;
  const details: Record<string, unknown> = { issues, path: issues[0]?.path ?? '' };
  if (name !== undefined) details.policy = name;
  return new GustError('ERR_INVALID_POLICY', message, { cause, details });
}
