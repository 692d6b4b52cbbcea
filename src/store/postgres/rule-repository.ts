import { type RuleDefinitionJson, type RuleRow, toRule } from '../rows/rule-rows.js';
import type { RuleDefinition, RuleRepository, StoredRule } from '../rule-repository.js';
import type { PgDatabase } from './executor.js';

/** Top-level event-bus rules in PostgreSQL, replaced per service in one transaction. */
export class PgRuleRepository implements RuleRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async replaceForService(service: string, rules: readonly RuleDefinition[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.run('DELETE FROM event_rules WHERE service = $1', [service]);
      for (const rule of rules) {
        const definition: RuleDefinitionJson = { pattern: rule.pattern, targets: rule.targets };
        if (rule.inputTransformer !== undefined) definition.inputTransformer = rule.inputTransformer;
        if (rule.schedule !== undefined) definition.schedule = rule.schedule;
        await tx.run(
          `INSERT INTO event_rules (bus, name, service, definition) VALUES ($1, $2, $3, $4)
           ON CONFLICT (bus, name) DO UPDATE SET service = excluded.service, definition = excluded.definition`,
          [rule.bus, rule.name, service, JSON.stringify(definition)],
        );
      }
    });
  }

  async list(): Promise<StoredRule[]> {
    return (await this.#db.rows<RuleRow>('SELECT * FROM event_rules ORDER BY bus, name')).map(toRule);
  }
}
