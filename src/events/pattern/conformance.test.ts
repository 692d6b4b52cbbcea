/**
 * Runs the EventBridge pattern vectors recorded against the real service (localstack's
 * event_pattern_templates, kept in ../shared/conformance/eventbridge-patterns/ beside the project).
 *
 * Each `NAME.json5` holds `{Event, EventPattern}`; the name's suffix is the verdict: `_NEG` must not
 * match, `_EXC` must be rejected as invalid, anything else must match. The folder also has one pair
 * of plain JSON files, `X.json` + `X_pattern.json`: the event and a pattern that repeats a key, kept
 * apart because JSON5 parsers would merge it away. The real service matched it (the last `location`
 * wins), so it is run as a match case with the pattern read by JSON.parse, which also keeps the
 * last key. Any other file is an error here, so new kinds of vectors cannot be skipped silently.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import JSON5 from 'json5';
import { isGustError } from '../../core/errors.js';
import { compilePattern } from './compile-pattern.js';

/** Cases expected to fail, each with the reason; docs/event-patterns.md lists the same. */
const KNOWN_GAPS: Record<string, string> = {};

type Verdict = 'match' | 'no-match' | 'invalid';

interface Case {
  readonly name: string;
  readonly verdict: Verdict;
  readonly event: unknown;
  readonly pattern: unknown;
}

// The test runs from dist/src/events/pattern/, so the project root is four levels up.
const projectRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const folder = join(projectRoot, '..', 'shared', 'conformance', 'eventbridge-patterns');

function loadCases(): Case[] {
  assert.ok(existsSync(folder), `conformance folder not found: ${folder}`);
  const files = readdirSync(folder).sort();
  const cases: Case[] = [];
  const read = (file: string) => readFileSync(join(folder, file), 'utf8');
  for (const file of files) {
    if (file === 'LICENSE' || file.endsWith('_pattern.json')) continue;
    if (file.endsWith('.json5')) {
      const name = file.slice(0, -'.json5'.length);
      const data = JSON5.parse(read(file)) as { Event: unknown; EventPattern: unknown };
      cases.push({ name, verdict: verdictOf(name), event: data.Event, pattern: data.EventPattern });
    } else if (file.endsWith('.json')) {
      const name = file.slice(0, -'.json'.length);
      const patternFile = `${name}_pattern.json`;
      assert.ok(files.includes(patternFile), `${file} has no ${patternFile} beside it`);
      const pattern: unknown = JSON.parse(read(patternFile));
      cases.push({ name, verdict: verdictOf(name), event: JSON.parse(read(file)), pattern });
    } else {
      assert.fail(`unexpected file in the conformance folder: ${file}`);
    }
  }
  return cases;
}

function verdictOf(name: string): Verdict {
  if (name.endsWith('_EXC')) return 'invalid';
  if (name.endsWith('_NEG')) return 'no-match';
  return 'match';
}

function run(testCase: Case): Verdict {
  try {
    return compilePattern(testCase.pattern).matches(testCase.event) ? 'match' : 'no-match';
  } catch (error) {
    if (isGustError(error) && error.code === 'ERR_INVALID_PATTERN') return 'invalid';
    throw error;
  }
}

describe('EventBridge pattern conformance', () => {
  it('agrees with the recorded verdict of every vector, apart from the known gaps', () => {
    const cases = loadCases();
    const failures: string[] = [];
    let passed = 0;
    for (const testCase of cases) {
      const got = run(testCase);
      if (got === testCase.verdict) passed++;
      else if (!(testCase.name in KNOWN_GAPS))
        failures.push(`${testCase.name}: expected ${testCase.verdict}, got ${got}`);
    }
    console.log(`eventbridge-patterns: ${cases.length} cases, ${passed} passed`);
    assert.ok(cases.length >= 155, `expected the full set of vectors, found ${cases.length}`);
    assert.deepEqual(failures, []);
  });

  it('lists no known gap that now passes or no longer exists', () => {
    const byName = new Map(loadCases().map((c) => [c.name, c]));
    for (const name of Object.keys(KNOWN_GAPS)) {
      const testCase = byName.get(name);
      assert.ok(testCase, `known gap ${name} is not a vector`);
      assert.notEqual(run(testCase), testCase.verdict, `known gap ${name} passes now; remove it`);
    }
  });
});
