import { ACTIONS } from './actions.js';
import { compileGlob, hasWildcard } from './glob.js';
import { closest } from './suggest.js';

/**
 * Lookups over the action catalogue: an action name (or AWS name, any case) to its index in
 * ACTIONS, and an Action pattern of a policy to the set of actions it covers. Patterns are resolved
 * against the catalogue when a policy is compiled, so `authorize` never matches action patterns.
 */

const exactNames = new Map<string, number>();
const foldedNames = new Map<string, number>();
/** Per action, every name a policy may use for it, lower-cased: Gust's first, then AWS's. */
const namesByAction: string[][] = [];
ACTIONS.forEach((action, index) => {
  const names = [action.name, ...action.aws];
  for (const name of names) {
    exactNames.set(name, index);
    foldedNames.set(name.toLowerCase(), index);
  }
  namesByAction.push(names.map((name) => name.toLowerCase()));
});
const displayNames = ACTIONS.flatMap((action) => [action.name, ...action.aws]);
const services = [...new Set(displayNames.map((name) => name.slice(0, name.indexOf(':'))))];

/**
 * The index in ACTIONS of an action named as Gust or AWS does, in any case; -1 when unknown. The
 * exact-case lookup comes first so the usual call (a canonical name) allocates nothing.
 */
export function actionIndex(name: string): number {
  return exactNames.get(name) ?? foldedNames.get(name.toLowerCase()) ?? -1;
}

/**
 * Indices of the actions an Action pattern covers, ignoring case. AWS names count only when the
 * pattern names their service (`sqs:*`): `*:List*` means Gust's listings, and must not pick up
 * queue:Get through `sqs:ListQueueTags`.
 */
export function matchActions(pattern: string): number[] {
  const matches = compileGlob(pattern.toLowerCase());
  const gustOnly = hasWildcard(pattern.slice(0, pattern.indexOf(':') + 1 || pattern.length));
  const indices: number[] = [];
  namesByAction.forEach((names, index) => {
    if (gustOnly ? matches(names[0] ?? '') : names.some(matches)) indices.push(index);
  });
  return indices;
}

/**
 * Why an Action pattern is not acceptable, or undefined when it is: it must be `*` or
 * `service:Verb` (wildcards allowed) and cover at least one action, so a typo is an error rather
 * than a statement that silently never applies.
 */
export function actionPatternProblem(pattern: string): string | undefined {
  if (!/^\*+$/.test(pattern) && pattern.split(':').length !== 2) {
    return `'${pattern}' is not an action: write service:Verb, as in function:Invoke, or *`;
  }
  if (matchActions(pattern).length > 0) return undefined;
  const suggestion = suggestAction(pattern);
  if (suggestion) return `'${pattern}' matches no Gust action; did you mean ${suggestion}?`;
  const service = pattern.slice(0, pattern.indexOf(':'));
  const verbs = verbsOf(service);
  if (verbs.length > 0) return `'${pattern}' matches no Gust action; ${service} has ${verbs.join(', ')}`;
  return `'${pattern}' matches no Gust action; docs/policies.md lists them`;
}

/** The verbs of a service (`function` → Invoke, Deploy, …), as Gust or AWS names them. */
function verbsOf(service: string): string[] {
  const prefix = `${service.toLowerCase()}:`;
  return displayNames
    .filter((name) => name.toLowerCase().startsWith(prefix))
    .map((name) => name.slice(prefix.length));
}

/**
 * The likely intended name: the service corrected if it is unknown (fucntion:* → function:*), then
 * the verb completed (lambda:Invoke → lambda:InvokeFunction) or corrected (Invok → Invoke).
 */
function suggestAction(pattern: string): string | undefined {
  const colon = pattern.indexOf(':');
  let service = pattern.slice(0, colon);
  const verb = pattern.slice(colon + 1);
  if (hasWildcard(service)) return undefined;
  if (!services.includes(service.toLowerCase())) {
    const nearest = closest(service, services);
    if (nearest === undefined) return undefined;
    service = nearest;
    if (matchActions(`${service}:${verb}`).length > 0) return `${service}:${verb}`;
  }
  if (hasWildcard(verb)) return undefined;
  const verbs = verbsOf(service);
  const completed = verbs.find((known) => known.toLowerCase().startsWith(verb.toLowerCase()));
  const nearest = completed ?? closest(verb, verbs);
  return nearest === undefined ? undefined : `${service}:${nearest}`;
}
