import type { Migration } from './migration.js';

/**
 * Top-level event-bus rules of each app (`rules:` in gust.yaml). One row per rule, keyed by bus
 * and name as EventBridge keys them; `definition` is JSON text ({pattern, targets,
 * inputTransformer?}) that only the event bus interprets. `event_rules_by_service` serves the
 * delete half of replacing a service's rules at deploy.
 */
export const eventRulesSchema: Migration = {
  id: 3,
  description: 'top-level event-bus rules',
  sql: {
    sqlite: `
      CREATE TABLE event_rules (
        bus        TEXT NOT NULL,
        name       TEXT NOT NULL,
        service    TEXT NOT NULL,
        definition TEXT NOT NULL,
        PRIMARY KEY (bus, name)
      );
      CREATE INDEX event_rules_by_service ON event_rules (service);
    `,
    postgres: `
      CREATE TABLE event_rules (
        bus        TEXT COLLATE "C" NOT NULL,
        name       TEXT COLLATE "C" NOT NULL,
        service    TEXT NOT NULL,
        definition TEXT NOT NULL,
        PRIMARY KEY (bus, name)
      );
      CREATE INDEX event_rules_by_service ON event_rules (service);
    `,
  },
};
