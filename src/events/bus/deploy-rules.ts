/**
 * The event bus's part in deploys. `check` compiles every rule of the manifest (function
 * `eventBridge` events and top-level `rules`) and refuses the deploy with the field path and the
 * reason for each invalid pattern or input transformer, for a bus + name declared twice, and for a
 * rule that another app already owns. `apply` stores the top-level rules and rebuilds the rule set;
 * function rules live in their versions, which the registry reloads at start.
 */
import { GustError, isGustError } from '../../core/errors.js';
import { parseScheduleConfig } from '../../cron/schedule-config.js';
import type { DeployHook } from '../../functions/control-plane.js';
import type { Manifest } from '../../functions/manifest.js';
import type { RuleDefinition } from '../../store/rule-repository.js';
import type { Store } from '../../store/store.js';
import { compilePattern } from '../pattern/index.js';
import type { EventBus } from './event-bus.js';
import { compileInputTransformer } from './input-transformer.js';
import type { InputTransformerConfig } from './types.js';

interface Issue {
  path: string;
  message: string;
}

interface DeclaredRule {
  /** Field path of the rule in the manifest. */
  at: string;
  bus: string;
  name: string;
  pattern: Record<string, unknown>;
  inputTransformer: InputTransformerConfig | undefined;
}

function declaredRules(manifest: Manifest): DeclaredRule[] {
  const rules: DeclaredRule[] = [];
  for (const fn of manifest.functions) {
    for (const r of fn.config.rules ?? []) {
      rules.push({
        at: `functions.${fn.name}.events.${r.eventIndex}.eventBridge`,
        bus: r.bus,
        name: r.name,
        pattern: r.pattern,
        inputTransformer: r.inputTransformer,
      });
    }
  }
  for (const r of manifest.rules) {
    rules.push({
      at: `rules.${r.name}`,
      bus: r.bus,
      name: r.name,
      pattern: r.pattern,
      inputTransformer: r.inputTransformer,
    });
  }
  return rules;
}

/** Runs `compile`; a GustError with `details.path` becomes an issue at `at` + that path. */
function collect(issues: Issue[], at: string, compile: () => void): void {
  try {
    compile();
  } catch (error) {
    if (!isGustError(error) || typeof error.details?.path !== 'string') throw error;
    const path = error.details.path;
    const message = error.message.startsWith(`${path}: `)
      ? error.message.slice(path.length + 2)
      : error.message;
    issues.push({ path: `${at}.${path}`, message });
  }
}

export function ruleDeployHook(bus: EventBus, store: Store): DeployHook {
  return {
    async check(manifest) {
      const issues: Issue[] = [];
      const seen = new Map<string, string>();
      for (const rule of declaredRules(manifest)) {
        collect(issues, rule.at, () => compilePattern(rule.pattern));
        const transformer = rule.inputTransformer;
        if (transformer)
          collect(issues, `${rule.at}.inputTransformer`, () => compileInputTransformer(transformer));
        const key = `${rule.bus}\u0000${rule.name}`;
        const first = seen.get(key);
        if (first) {
          issues.push({
            path: rule.at,
            message: `rule '${rule.name}' on bus '${rule.bus}' is also declared at ${first}; rule names must be unique per bus`,
          });
        } else seen.set(key, rule.at);
      }
      for (const rule of manifest.rules) {
        const schedule = rule.schedule;
        if (schedule !== undefined) {
          try {
            parseScheduleConfig(schedule);
          } catch (error) {
            if (!isGustError(error)) throw error;
            issues.push({ path: `rules.${rule.name}.schedule`, message: error.message });
          }
        }
      }
      if (issues.length > 0) {
        const lines = issues.map((i) => `${manifest.file}: ${i.path}: ${i.message}`);
        throw new GustError('ERR_INVALID_MANIFEST', lines.join('\n'), {
          details: { file: manifest.file, issues },
        });
      }
      for (const existing of bus.rules()) {
        if (existing.service === manifest.service) continue;
        if (seen.has(`${existing.bus}\u0000${existing.name}`)) {
          throw new GustError(
            'ERR_CONFLICT',
            `${manifest.file}: rule '${existing.name}' on bus '${existing.bus}' already belongs to service '${existing.service}'.`,
          );
        }
      }
    },

    async apply(manifest) {
      await store.rules.replaceForService(
        manifest.service,
        manifest.rules.map((r) => {
          const { name, bus: busName, pattern, targets, inputTransformer, schedule } = r;
          const rule: RuleDefinition = { name, bus: busName, pattern, targets };
          if (inputTransformer) rule.inputTransformer = inputTransformer;
          if (schedule) rule.schedule = schedule;
          return rule;
        }),
      );
      bus.setTopLevelRules(await store.rules.list());
    },
  };
}
