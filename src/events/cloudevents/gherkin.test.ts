import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFeature } from './gherkin.js';

const FEATURE = `@tag
Feature: Sample
    Free text describing the feature.

    Background:
    Given a background step

    # a comment
    Scenario Outline: Try <thing>
    Given an input
        """
        first <thing>
          indented
        """
    Then the rows are:
        | key | value   |
        | a   | <thing> |
        | b   | x\\|y    |
    Examples:
    | thing |
    | one   |
    | two   |

    Scenario: Plain
    When it runs
    And it ends
`;

describe('Gherkin reader', () => {
  it('expands a Scenario Outline once per example row, substituting placeholders everywhere', () => {
    const feature = parseFeature(FEATURE);
    assert.equal(feature.name, 'Sample');
    assert.deepEqual(
      feature.scenarios.map((scenario) => scenario.name),
      ['Try one', 'Try two', 'Plain'],
    );
    const [first] = feature.scenarios;
    assert.equal(first?.steps[1]?.docString, 'first one\n  indented');
    assert.deepEqual(first?.steps[2]?.table, [
      ['key', 'value'],
      ['a', 'one'],
      ['b', 'x|y'],
    ]);
  });

  it('puts Background steps in front of every scenario', () => {
    const plain = parseFeature(FEATURE).scenarios[2];
    assert.deepEqual(
      plain?.steps.map((step) => `${step.keyword} ${step.text}`),
      ['Given a background step', 'When it runs', 'And it ends'],
    );
  });

  it('fails on lines it does not understand instead of skipping them', () => {
    assert.throws(
      () => parseFeature('Feature: x\nScenario: y\nGiven a\nRule: z\n'),
      /line 4: unexpected line/,
    );
    assert.throws(() => parseFeature('Feature: x\nScenario: y\nGiven a\n"""\nopen'), /never closed/);
    assert.throws(() => parseFeature('Scenario: y\n'), /no Feature/);
  });
});
