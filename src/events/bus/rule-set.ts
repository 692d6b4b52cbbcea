/**
 * The rules of every bus, compiled once and kept in memory. A rule set is immutable: the bus swaps
 * in a whole new one when functions or top-level rules change, so routing never sees half a deploy.
 */
import type { FunctionSummary } from '../../functions/control-plane.js';
import type { StoredRule } from '../../store/rule-repository.js';
import { type CompiledPattern, compilePattern } from '../pattern/index.js';
import { compileInputTransformer, type InputTransformer } from './input-transformer.js';
import { type BusRule, DEFAULT_BUS } from './types.js';

export interface CompiledRule {
  readonly rule: BusRule;
  readonly pattern: CompiledPattern;
  readonly transformer: InputTransformer | undefined;
}

export interface RuleSet {
  /** Rules by bus, each list ordered by rule name. */
  readonly byBus: ReadonlyMap<string, readonly CompiledRule[]>;
  /** Every bus that exists: `default`, those named by rules, those named by `bus:` destinations. */
  readonly buses: ReadonlySet<string>;
  /** Every rule, ordered by bus, then name. */
  readonly rules: readonly BusRule[];
}

/** The rules that deployed functions declare (`events: - eventBridge`) plus the top-level ones. */
export function collectRules(
  functions: readonly FunctionSummary[],
  topLevel: readonly StoredRule[],
): BusRule[] {
  const rules: BusRule[] = [];
  for (const fn of functions) {
    for (const r of fn.config.rules ?? []) {
      const rule: BusRule = {
        name: r.name,
        bus: r.bus,
        pattern: r.pattern,
        targets: [`function:${fn.name}`],
        service: fn.service,
        function: fn.name,
      };
      if (r.inputTransformer) rule.inputTransformer = r.inputTransformer;
      rules.push(rule);
    }
  }
  for (const r of topLevel) {
    const rule: BusRule = {
      name: r.name,
      bus: r.bus,
      pattern: r.pattern,
      targets: r.targets,
      service: r.service,
    };
    if (r.inputTransformer) rule.inputTransformer = r.inputTransformer;
    rules.push(rule);
  }
  return rules.sort((a, b) => compare(a.bus, b.bus) || compare(a.name, b.name));
}

/** Buses that `bus:NAME` destinations of deployed functions publish to. */
export function destinationBuses(functions: readonly FunctionSummary[]): string[] {
  const buses: string[] = [];
  for (const fn of functions) {
    for (const target of [fn.config.async?.onSuccess, fn.config.async?.onFailure]) {
      if (target?.startsWith('bus:')) buses.push(target.slice(4));
    }
  }
  return buses;
}

/** Compiles patterns and transformers, reusing what an earlier build compiled (patterns are data). */
export class RuleCompiler {
  #cache = new Map<string, { pattern: CompiledPattern; transformer: InputTransformer | undefined }>();

  /**
   * Builds a rule set. A rule that no longer compiles (stored by an older Gust with looser checks)
   * is left out and reported through `onInvalid`; deploys never store such a rule.
   */
  build(
    rules: readonly BusRule[],
    extraBuses: readonly string[],
    onInvalid: (rule: BusRule, error: unknown) => void,
  ): RuleSet {
    const byBus = new Map<string, CompiledRule[]>();
    const buses = new Set<string>([DEFAULT_BUS, ...extraBuses]);
    const next = new Map<string, { pattern: CompiledPattern; transformer: InputTransformer | undefined }>();
    const kept: BusRule[] = [];
    for (const rule of rules) {
      buses.add(rule.bus);
      const key = JSON.stringify([rule.pattern, rule.inputTransformer ?? null]);
      let compiled = next.get(key) ?? this.#cache.get(key);
      if (!compiled) {
        try {
          compiled = {
            pattern: compilePattern(rule.pattern),
            transformer: rule.inputTransformer ? compileInputTransformer(rule.inputTransformer) : undefined,
          };
        } catch (error) {
          onInvalid(rule, error);
          continue;
        }
      }
      next.set(key, compiled);
      kept.push(rule);
      const list = byBus.get(rule.bus) ?? [];
      list.push({ rule, ...compiled });
      byBus.set(rule.bus, list);
    }
    // Only what the current rules use stays cached, so removed rules do not accumulate.
    this.#cache = next;
    return { byBus, buses, rules: kept };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
