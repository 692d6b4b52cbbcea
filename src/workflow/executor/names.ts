import { invalidArn, invalidName } from './errors.js';

/**
 * Names, ids and ARNs of workflows and executions. A workflow (state machine) and an execution are
 * named with 1 to 80 letters, digits, - and _ (Gust resource names, a subset of what Step Functions
 * allows), so an execution's id `MACHINE:NAME` and its children's `ID/SEQ.INDEX` never collide.
 */

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Throws ERR_INVALID_NAME unless `name` is a valid workflow or execution name. */
export function checkName(what: 'Workflow' | 'Execution', name: string): string {
  if (!NAME.test(name)) throw invalidName(what, name);
  return name;
}

/** The store id of a top-level execution. */
export const executionId = (workflow: string, name: string): string => `${workflow}:${name}`;

/** ARNs in one region and account. */
export interface Arns {
  stateMachine(name: string): string;
  execution(workflow: string, name: string): string;
  /** The workflow named by a state machine ARN (or a bare name). Throws ERR_INVALID_ARN. */
  parseStateMachine(arnOrName: string): string;
  /** Workflow and execution of an execution ARN. Throws ERR_INVALID_ARN. */
  parseExecution(arn: string): { workflow: string; name: string };
}

export function createArns(region: string, accountId: string): Arns {
  const prefix = `arn:aws:states:${region}:${accountId}:`;
  const parts = (arn: string) => {
    const p = arn.split(':');
    return p.length >= 7 && p[0] === 'arn' && p[2] === 'states' ? p : undefined;
  };
  return {
    stateMachine: (name) => `${prefix}stateMachine:${name}`,
    execution: (workflow, name) => `${prefix}execution:${workflow}:${name}`,
    parseStateMachine(arnOrName) {
      if (!arnOrName.startsWith('arn:')) return checkName('Workflow', arnOrName);
      const p = parts(arnOrName);
      // A state machine ARN may carry a version or alias qualifier (`NAME:1`); Gust has one revision.
      if (p?.[5] !== 'stateMachine' || p.length > 8 || !NAME.test(p[6] ?? '')) {
        throw invalidArn(arnOrName, 'arn:aws:states:REGION:ACCOUNT:stateMachine:NAME');
      }
      return p[6] as string;
    },
    parseExecution(arn) {
      const p = parts(arn);
      if (p?.[5] !== 'execution' || p.length !== 8 || !NAME.test(p[6] ?? '') || !NAME.test(p[7] ?? '')) {
        throw invalidArn(arn, 'arn:aws:states:REGION:ACCOUNT:execution:WORKFLOW:NAME');
      }
      return { workflow: p[6] as string, name: p[7] as string };
    },
  };
}
