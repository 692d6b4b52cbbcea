import { type RuleDefinitionJson, type RuleRow, toRule } from '../rows/rule-rows.js';
import type { RuleDefinition, RuleRepository, StoredRule } from '../rule-repository.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';

function prepare(db: SqliteDatabase) {
  return {
    deleteService: db.prepare<[string]>('DELETE FROM event_rules WHERE service = ?'),
    put: db.prepare<[string, string, string, string]>(
      `INSERT INTO event_rules (bus, name, service, definition) VALUES (?, ?, ?, ?)
       ON CONFLICT (bus, name) DO UPDATE SET service = excluded.service, definition = excluded.definition`,
    ),
    list: db.prepare<[], RuleRow>('SELECT * FROM event_rules ORDER BY bus, name'),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Top-level event-bus rules in SQLite, replaced per service in one transaction. */
export class SqliteRuleRepository implements RuleRepository {
  readonly #s: () => Statements;
  readonly #replace: (service: string, rules: readonly RuleDefinition[]) => void;

  constructor(db: SqliteDatabase) {
    const s = prepareOnce(db, prepare);
    this.#s = s;
    this.#replace = db.transaction((service: string, rules: readonly RuleDefinition[]) => {
      const st = s();
      st.deleteService.run(service);
      for (const rule of rules) {
        const definition: RuleDefinitionJson = { pattern: rule.pattern, targets: rule.targets };
        if (rule.inputTransformer !== undefined) definition.inputTransformer = rule.inputTransformer;
        if (rule.schedule !== undefined) definition.schedule = rule.schedule;
        st.put.run(rule.bus, rule.name, service, JSON.stringify(definition));
      }
    });
  }

  async replaceForService(service: string, rules: readonly RuleDefinition[]): Promise<void> {
    this.#replace(service, rules);
  }

  async list(): Promise<StoredRule[]> {
    return this.#s().list.all().map(toRule);
  }
}
