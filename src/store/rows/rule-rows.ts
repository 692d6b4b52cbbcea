/**
 * Rows of event_rules as both backends read them: the part of a rule kept as JSON text
 * (`definition`), and the stored rule it maps to (migration 003).
 */
import type { RuleDefinition, StoredRule } from '../rule-repository.js';

export interface RuleRow {
  bus: string;
  name: string;
  service: string;
  definition: string;
}

/** The part of a rule kept as JSON text. */
export type RuleDefinitionJson = Pick<
  RuleDefinition,
  'pattern' | 'targets' | 'inputTransformer' | 'schedule'
>;

export const toRule = (row: RuleRow): StoredRule => {
  const definition = JSON.parse(row.definition) as RuleDefinitionJson;
  const rule: StoredRule = {
    service: row.service,
    bus: row.bus,
    name: row.name,
    pattern: definition.pattern,
    targets: definition.targets,
  };
  if (definition.inputTransformer !== undefined) rule.inputTransformer = definition.inputTransformer;
  if (definition.schedule !== undefined) rule.schedule = definition.schedule;
  return rule;
};
