/**
 * Validation of a whole state machine: the top-level fields, every state (validate-state.ts), and
 * the graph: StartAt and every Next/Default/Catch target name a state of the same (sub-)machine,
 * every state is reachable from StartAt, some state ends the machine, names are unique across the
 * whole definition and at most 80 characters. Parallel branches and Map processors are validated
 * as machines of their own (they cannot jump out to the enclosing machine).
 */
import { at, Issues, isObject } from './issues.js';
import type { DefinitionIssue, QueryLanguage } from './types.js';
import { checkState } from './validate-state.js';

export interface ValidateOptions {
  /**
   * Skip the graph rules (targets exist, reachability, terminal state) and nested-machine structure,
   * and allow Parameters on Choice: for the partial definitions conformance suites use.
   */
  lenient?: boolean;
}

const TOP_FIELDS = new Set(['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage']);
const NESTED_FIELDS = new Set(['StartAt', 'States', 'Comment', 'ProcessorConfig']);

/** Every issue of a parsed definition value (empty when valid). */
export function validateMachineValue(value: unknown, options: ValidateOptions = {}): DefinitionIssue[] {
  const issues = new Issues();
  if (!isObject(value)) {
    issues.add('', 'a state machine definition must be a JSON object with StartAt and States');
    return issues.list;
  }
  if (
    value.QueryLanguage !== undefined &&
    value.QueryLanguage !== 'JSONPath' &&
    value.QueryLanguage !== 'JSONata'
  ) {
    issues.add('QueryLanguage', 'QueryLanguage must be JSONPath or JSONata');
  }
  if (
    value.TimeoutSeconds !== undefined &&
    (typeof value.TimeoutSeconds !== 'number' ||
      !Number.isInteger(value.TimeoutSeconds) ||
      value.TimeoutSeconds <= 0)
  ) {
    issues.add('TimeoutSeconds', 'TimeoutSeconds must be a positive integer');
  }
  const language: QueryLanguage = value.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
  checkMachine(issues, '', value, {
    language,
    lenient: options.lenient ?? false,
    names: new Set(),
    top: true,
  });
  return issues.list;
}

interface MachineContext {
  language: QueryLanguage;
  lenient: boolean;
  /** State names seen so far in the whole definition. */
  names: Set<string>;
  top: boolean;
}

function checkMachine(
  issues: Issues,
  path: string,
  machine: Record<string, unknown>,
  ctx: MachineContext,
): void {
  const allowed = ctx.top ? TOP_FIELDS : NESTED_FIELDS;
  for (const key of Object.keys(machine)) {
    if (!allowed.has(key)) issues.add(at(path, key), `'${key}' is not a field of a state machine`);
  }
  const states = machine.States;
  if (typeof machine.StartAt !== 'string')
    issues.add(at(path, 'StartAt'), 'StartAt must name the first state');
  if (!isObject(states) || Object.keys(states).length === 0) {
    issues.add(at(path, 'States'), 'States must be an object with at least one state');
    return;
  }
  const statesPath = at(path, 'States');
  for (const [name, state] of Object.entries(states)) {
    const statePath = at(statesPath, name);
    if (name.length === 0 || name.length > 80)
      issues.add(statePath, 'a state name must have 1 to 80 characters');
    if (ctx.names.has(name))
      issues.add(
        statePath,
        `the state name '${name}' is used more than once (names are unique in the whole definition)`,
      );
    ctx.names.add(name);
    const type = checkState(issues, statePath, state, { language: ctx.language, lenient: ctx.lenient });
    if (type !== undefined && isObject(state)) checkNested(issues, statePath, state, ctx);
  }
  if (!ctx.lenient) checkGraph(issues, path, machine.StartAt, states);
}

function checkNested(
  issues: Issues,
  path: string,
  state: Record<string, unknown>,
  ctx: MachineContext,
): void {
  const nested = { ...ctx, top: false };
  if (state.Type === 'Parallel') {
    const branches = state.Branches;
    if (!Array.isArray(branches) || branches.length === 0) {
      issues.add(
        at(path, 'Branches'),
        'a Parallel state needs Branches: a non-empty array of state machines',
      );
      return;
    }
    branches.forEach((branch, i) => {
      if (isObject(branch)) checkMachine(issues, at(at(path, 'Branches'), i), branch, nested);
      else
        issues.add(at(at(path, 'Branches'), i), 'a branch must be a state machine object (StartAt, States)');
    });
  } else if (state.Type === 'Map') {
    const field = state.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
    const processor = state[field];
    if (!isObject(processor)) {
      issues.add(at(path, 'ItemProcessor'), 'a Map state needs an ItemProcessor (or Iterator) state machine');
      return;
    }
    if (ctx.lenient && processor.StartAt === undefined) return;
    checkMachine(issues, at(path, field), processor, nested);
  }
}

function checkGraph(issues: Issues, path: string, startAt: unknown, states: Record<string, unknown>): void {
  const names = new Set(Object.keys(states));
  if (typeof startAt === 'string' && !names.has(startAt)) {
    issues.add(at(path, 'StartAt'), `StartAt names '${startAt}', which is not a state of this machine`);
  }
  const edges = new Map<string, string[]>();
  let terminal = false;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    const base = at(at(path, 'States'), name);
    const targets: Array<[string, unknown]> = [
      [at(base, 'Next'), state.Next],
      [at(base, 'Default'), state.Default],
    ];
    if (Array.isArray(state.Choices)) {
      for (const [i, r] of state.Choices.entries())
        if (isObject(r)) targets.push([at(at(at(base, 'Choices'), i), 'Next'), r.Next]);
    }
    if (Array.isArray(state.Catch)) {
      for (const [i, c] of state.Catch.entries())
        if (isObject(c)) targets.push([at(at(at(base, 'Catch'), i), 'Next'), c.Next]);
    }
    const out: string[] = [];
    for (const [p, target] of targets) {
      if (typeof target !== 'string') continue;
      if (!names.has(target))
        issues.add(
          p,
          `'${target}' is not a state of this machine${path === '' ? '' : ' (a branch cannot go to states outside it)'}`,
        );
      out.push(target);
    }
    edges.set(name, out);
    if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') terminal = true;
  }
  if (!terminal)
    issues.add(
      at(path, 'States'),
      'no state ends the machine: give one "End": true, or add a Succeed or Fail state',
    );
  if (typeof startAt !== 'string' || !names.has(startAt)) return;
  const seen = new Set<string>([startAt]);
  const queue = [startAt];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    for (const next of edges.get(name) ?? []) {
      if (!seen.has(next) && names.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  for (const name of names) {
    if (!seen.has(name))
      issues.add(at(at(path, 'States'), name), `the state '${name}' cannot be reached from StartAt`);
  }
}
