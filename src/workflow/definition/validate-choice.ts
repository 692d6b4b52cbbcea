/**
 * Choice rules. JSONPath: a top-level rule has `Next` and is either a comparison (`Variable` +
 * exactly one operator with a value of the operator's type) or And/Or (non-empty arrays)/Not;
 * nested rules have no `Next`. JSONata: `Condition` (boolean or `{% %}`) and `Next`.
 */
import { COMPARISON_OPERATORS } from '../engine/choice-rules.js';
import { parseTimestamp } from '../engine/timestamps.js';
import { checkAssign, checkJsonataValue, checkPath } from './data-checks.js';
import { at, type Issues, isObject } from './issues.js';

const JSONPATH_RULE_FIELDS = new Set(['Variable', 'And', 'Or', 'Not', 'Next', 'Comment', 'Assign']);
const JSONATA_RULE_FIELDS = new Set(['Condition', 'Next', 'Comment', 'Assign', 'Output']);

export function checkChoices(
  issues: Issues,
  path: string,
  choices: unknown,
  jsonata: boolean,
  lenient = false,
): void {
  if (!Array.isArray(choices) || choices.length === 0) {
    issues.add(path, 'Choices must be a non-empty array of rules');
    return;
  }
  for (const [i, rule] of choices.entries()) {
    const rulePath = at(path, i);
    if (!isObject(rule)) {
      issues.add(rulePath, 'a Choice rule must be an object');
      continue;
    }
    if (typeof rule.Next !== 'string')
      issues.add(at(rulePath, 'Next'), 'a top-level Choice rule must have a Next state name');
    if (rule.Assign !== undefined) checkAssign(issues, at(rulePath, 'Assign'), rule.Assign, jsonata);
    if (jsonata) checkJsonataRule(issues, rulePath, rule);
    else checkRule(issues, rulePath, rule, true, lenient);
  }
}

function checkJsonataRule(issues: Issues, path: string, rule: Record<string, unknown>): void {
  for (const key of Object.keys(rule)) {
    if (!JSONATA_RULE_FIELDS.has(key))
      issues.add(at(path, key), `'${key}' is not a field of a JSONata Choice rule`);
  }
  const condition = rule.Condition;
  if (typeof condition !== 'boolean' && typeof condition !== 'string') {
    issues.add(
      at(path, 'Condition'),
      'a JSONata Choice rule needs a Condition: a "{% %}" expression or a boolean',
    );
  } else if (typeof condition === 'string') {
    if (!condition.startsWith('{%'))
      issues.add(at(path, 'Condition'), 'Condition must be a "{% %}" expression');
    checkJsonataValue(issues, at(path, 'Condition'), condition);
  }
  if (rule.Output !== undefined) checkJsonataValue(issues, at(path, 'Output'), rule.Output);
}

function checkRule(
  issues: Issues,
  path: string,
  rule: Record<string, unknown>,
  top: boolean,
  lenient: boolean,
): void {
  const operators = Object.keys(rule).filter((k) => COMPARISON_OPERATORS.has(k));
  for (const key of Object.keys(rule)) {
    if (!JSONPATH_RULE_FIELDS.has(key) && !COMPARISON_OPERATORS.has(key)) {
      issues.add(at(path, key), `'${key}' is not a field of a Choice rule`);
    }
  }
  if (!top && rule.Next !== undefined) issues.add(at(path, 'Next'), 'a nested Choice rule cannot have Next');
  const combinators = ['And', 'Or', 'Not'].filter((k) => rule[k] !== undefined);
  if (combinators.length + (operators.length > 0 ? 1 : 0) !== 1) {
    issues.add(path, 'a Choice rule must have exactly one of And, Or, Not or a comparison operator');
    return;
  }
  for (const key of ['And', 'Or']) {
    const list = rule[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) {
      issues.add(at(path, key), `${key} must be a non-empty array of rules`);
      continue;
    }
    for (const [i, r] of list.entries()) {
      if (isObject(r)) checkRule(issues, at(at(path, key), i), r, false, lenient);
      else issues.add(at(at(path, key), i), 'must be a rule');
    }
  }
  if (rule.Not !== undefined) {
    if (isObject(rule.Not)) checkRule(issues, at(path, 'Not'), rule.Not, false, lenient);
    else issues.add(at(path, 'Not'), 'Not must be a rule object');
  }
  if (operators.length === 0) return;
  if (rule.Variable === undefined) issues.add(at(path, 'Variable'), 'a comparison needs a Variable');
  else checkPath(issues, at(path, 'Variable'), rule.Variable, { reference: false });
  if (operators.length > 1) issues.add(path, `a comparison has one operator, found ${operators.join(', ')}`);
  const operator = operators[0] as string;
  // Lenient (conformance suites): operands of the wrong type are allowed and simply never match.
  if (!lenient) checkOperand(issues, at(path, operator), operator, rule[operator]);
}

function checkOperand(issues: Issues, path: string, operator: string, value: unknown): void {
  if (operator.endsWith('Path')) {
    checkPath(issues, path, value, { reference: true });
    return;
  }
  if (operator.startsWith('Is') || operator.startsWith('Boolean')) {
    if (typeof value !== 'boolean') issues.add(path, `${operator} takes a boolean`);
  } else if (operator.startsWith('Numeric')) {
    if (typeof value !== 'number') issues.add(path, `${operator} takes a number`);
  } else if (operator.startsWith('Timestamp')) {
    if (typeof value !== 'string' || parseTimestamp(value) === undefined) {
      issues.add(path, `${operator} takes an ISO-8601 timestamp such as 2016-03-14T01:59:00Z`);
    }
  } else if (typeof value !== 'string') {
    issues.add(path, `${operator} takes a string`);
  }
}
