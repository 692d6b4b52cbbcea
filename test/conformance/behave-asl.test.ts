/**
 * Conformance: the behave-asl Gherkin scenarios, run against the engine through the step
 * definitions in ./behave/. Every scenario must pass unless docs/workflows-conformance.md lists
 * it (as `feature path > scenario name`) with a reason.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseFeature, type Scenario } from './behave/gherkin.js';
import { STEPS } from './behave/steps.js';
import { World } from './behave/world.js';
import { knownFailures } from './known-failures.js';

const ROOT = '../shared/conformance/behave-asl/features';

function featureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? featureFiles(path) : name.endsWith('.feature') ? [path] : [];
  });
}

async function run(scenario: Scenario): Promise<void> {
  const world = new World();
  for (const step of scenario.steps) {
    const match = STEPS.map(([re, fn]) => [re.exec(step.text), fn] as const).find(([m]) => m !== null);
    if (match === undefined) throw new Error(`no step definition for: ${step.keyword} ${step.text}`);
    const [m, fn] = match;
    await fn(world, (m as RegExpExecArray).slice(1), step.docString);
  }
  assert.deepEqual(world.problems, [], 'stubbed resources were called as expected');
}

test('behave-asl scenarios run against the engine', async (t) => {
  const known = knownFailures('behave-asl');
  const scenarios = featureFiles(ROOT)
    .sort()
    .flatMap((file) => parseFeature(relative(ROOT, file), readFileSync(file, 'utf8')));
  const unexpected: string[] = [];
  // A Scenario Outline counts as one scenario (passed when every Examples row passes).
  const failed = new Set<string>();
  const all = new Set<string>();
  for (const scenario of scenarios) {
    const id = `${scenario.feature} > ${scenario.name}`;
    const outline = id.replace(/ #\d+$/, '');
    all.add(outline);
    try {
      await run(scenario);
    } catch (err) {
      failed.add(outline);
      if (!known.has(id) && !known.has(outline)) {
        unexpected.push(`${id}: ${(err as Error).message.split('\n').slice(0, 6).join(' ')}`);
      }
    }
  }
  const summary = `behave-asl: ${all.size - failed.size}/${all.size} scenarios passed (${scenarios.length} with Examples rows expanded)`;
  t.diagnostic(summary);
  console.log(summary);
  assert.ok(scenarios.length > 0, `no scenarios found in ${ROOT}`);
  for (const line of unexpected) t.diagnostic(`unexpected failure: ${line}`);
  assert.deepEqual(unexpected, []);
});
