/**
 * Conformance: every definition of the asl-validator suite gets the verdict its file name states
 * (`valid-...` / `invalid-...`). Mismatches must be listed in docs/workflows-conformance.md.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateDefinition } from '../../src/workflow/definition/parse.js';
import { knownFailures } from './known-failures.js';

const DIR = '../shared/conformance/asl-validator/definitions';

test('asl-validator definitions get the verdict their names state', (t) => {
  const known = knownFailures('asl-validator');
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const unexpected: string[] = [];
  let passed = 0;
  for (const file of files) {
    const issues = validateDefinition(readFileSync(join(DIR, file), 'utf8'));
    const expectValid = file.startsWith('valid-');
    const ok = expectValid ? issues.length === 0 : issues.length > 0;
    if (ok) passed++;
    else if (!known.has(file)) {
      unexpected.push(
        `${file}: expected ${expectValid ? 'valid' : 'invalid'}${issues.length > 0 ? `, got ${JSON.stringify(issues)}` : ''}`,
      );
    }
  }
  const summary = `asl-validator: ${passed}/${files.length} definitions got the expected verdict`;
  t.diagnostic(summary);
  console.log(summary);
  assert.ok(files.length > 0, `no definitions found in ${DIR}`);
  assert.deepEqual(unexpected, []);
});
