import { ACTIONS, type ActionInfo } from './actions.js';

/**
 * The action table of docs/policies.md, rendered from the catalogue. A test compares the document's
 * table (between the `actions:start` and `actions:end` markers) with this; after changing
 * ACTIONS, paste this function's output there.
 */
export function renderActionTable(actions: readonly ActionInfo[] = ACTIONS): string {
  const rows = actions.map((action) => {
    const name = `\`${action.name}\`${action.upcoming ? ' (upcoming)' : ''}`;
    const checkedOn = action.operations.map(renderOperation).join(', ') || '-';
    const aws = action.aws.map((alias) => `\`${alias}\``).join(', ') || '-';
    return `| ${name} | \`${action.resource}\` | ${action.access} | ${action.description} | ${checkedOn} | ${aws} |`;
  });
  return [
    '| action | resource | access | allows | checked on | AWS names |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** `SQS SendMessage` → SQS `SendMessage`; `GET /path` → `GET /path`. */
function renderOperation(operation: string): string {
  const space = operation.indexOf(' ');
  const head = operation.slice(0, space);
  return head === 'SQS' || head === 'EventBridge'
    ? `${head} \`${operation.slice(space + 1)}\``
    : `\`${operation}\``;
}
