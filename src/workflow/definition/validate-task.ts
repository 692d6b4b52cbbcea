/**
 * Task-specific rules: Resource (a string; CloudFormation `${...}` substitutions must be closed;
 * Lambda ARNs must name a function and a valid qualifier), timeouts (positive integers,
 * HeartbeatSeconds below TimeoutSeconds) and Credentials (a payload template object).
 */
import { checkTemplate, isJsonataText } from './data-checks.js';
import { at, type Issues, isObject } from './issues.js';

const LAMBDA_ARN = /^arn:[\w-]+:lambda:[^:]*:[^:]*:function:([^:]*)(?::(.*))?$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]+$/;
const QUALIFIER = /^(\$LATEST|[A-Za-z0-9_-]+)$/;

export function checkTaskFields(
  issues: Issues,
  path: string,
  state: Record<string, unknown>,
  jsonata: boolean,
): void {
  const resource = state.Resource;
  if (
    isObject(resource) &&
    Object.keys(resource).length === 1 &&
    /^(Ref|Fn::\w+)$/.test(Object.keys(resource)[0] ?? '')
  ) {
    // A CloudFormation intrinsic ({"Ref": ...}, {"Fn::GetAtt": [...]}): resolved before deployment.
  } else if (typeof resource !== 'string' || resource === '') {
    issues.add(at(path, 'Resource'), 'a Task needs a Resource (a function name or ARN)');
  } else {
    checkResource(issues, at(path, 'Resource'), resource);
  }
  const timeout = positive(issues, path, state, 'TimeoutSeconds');
  const heartbeat = positive(issues, path, state, 'HeartbeatSeconds');
  if (timeout !== undefined && heartbeat !== undefined && heartbeat >= timeout) {
    issues.add(at(path, 'HeartbeatSeconds'), 'HeartbeatSeconds must be smaller than TimeoutSeconds');
  }
  if (state.Credentials !== undefined) {
    if (!isObject(state.Credentials))
      issues.add(at(path, 'Credentials'), 'Credentials must be an object (for example {"RoleArn": "..."})');
    else if (!jsonata) checkTemplate(issues, at(path, 'Credentials'), state.Credentials);
  }
}

function checkResource(issues: Issues, path: string, resource: string): void {
  let depth = 0;
  for (let i = 0; i < resource.length; i++) {
    if (resource.startsWith('${', i)) depth++;
    else if (resource[i] === '}' && depth > 0) depth--;
  }
  if (depth !== 0) issues.add(path, `'${resource}' has an unclosed \${...} substitution`);
  const lambda = LAMBDA_ARN.exec(resource);
  if (lambda !== null) {
    const [, name, qualifier] = lambda;
    if (!FUNCTION_NAME.test(name ?? '')) issues.add(path, `'${resource}' does not name a Lambda function`);
    if (qualifier !== undefined && !QUALIFIER.test(qualifier)) {
      issues.add(
        path,
        `'${resource}' has an invalid qualifier: use $LATEST, a version number or an alias name`,
      );
    }
  }
}

function positive(
  issues: Issues,
  path: string,
  state: Record<string, unknown>,
  field: string,
): number | undefined {
  const value = state[field];
  if (value === undefined || isJsonataText(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    issues.add(at(path, field), `${field} must be a positive integer`);
    return undefined;
  }
  return value;
}
