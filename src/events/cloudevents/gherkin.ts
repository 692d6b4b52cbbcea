/**
 * A small Gherkin reader for the conformance features: Feature (with a description), tags,
 * comments, Background, Scenario, Scenario Outline with Examples, steps (Given/When/Then/And/But/*),
 * doc strings (`"""` or ```) and data tables. Outlines are expanded, one scenario per example row,
 * and Background steps are put in front of every scenario. Anything else is an error, so a feature
 * file using more of Gherkin fails loudly instead of being half-read.
 */

export interface GherkinStep {
  keyword: string;
  text: string;
  line: number;
  docString?: string;
  table?: string[][];
}

export interface GherkinScenario {
  name: string;
  line: number;
  steps: GherkinStep[];
}

export interface GherkinFeature {
  name: string;
  scenarios: GherkinScenario[];
}

interface Block {
  kind: 'background' | 'scenario' | 'outline';
  name: string;
  line: number;
  steps: GherkinStep[];
  examples: string[][][];
}

const STEP = /^(Given|When|Then|And|But|\*)\s+(.*)$/;
const HEADER =
  /^(Feature|Background|Scenario Outline|Scenario Template|Scenario|Example|Examples|Scenarios):\s*(.*)$/;

export function parseFeature(source: string): GherkinFeature {
  const lines = source.split(/\r?\n/);
  let featureName: string | undefined;
  const blocks: Block[] = [];
  let block: Block | undefined;
  let table: string[][] | undefined; // the table rows are being added to, if any
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const line = raw.trim();
    const lineNumber = index + 1;
    if (line === '' || line.startsWith('#') || line.startsWith('@')) continue;
    if (!line.startsWith('|')) table = undefined;
    const header = HEADER.exec(line);
    const step = STEP.exec(line);
    if (header !== null) {
      const [, keyword = '', name = ''] = header;
      if (keyword === 'Feature') {
        featureName = name;
      } else if (keyword === 'Examples' || keyword === 'Scenarios') {
        if (block?.kind !== 'outline') throw syntax(lineNumber, 'Examples outside a Scenario Outline');
        table = [];
        block.examples.push(table);
      } else {
        const kind =
          keyword === 'Background'
            ? 'background'
            : keyword.endsWith('Outline') || keyword.endsWith('Template')
              ? 'outline'
              : 'scenario';
        block = { kind, name, line: lineNumber, steps: [], examples: [] };
        blocks.push(block);
      }
    } else if (step !== null) {
      if (block === undefined) throw syntax(lineNumber, 'step outside a Scenario or Background');
      block.steps.push({ keyword: step[1] ?? '', text: step[2] ?? '', line: lineNumber });
    } else if (line.startsWith('"""') || line.startsWith('```')) {
      const last = block?.steps.at(-1);
      if (last === undefined) throw syntax(lineNumber, 'doc string without a step');
      const indent = raw.indexOf(line.slice(0, 3));
      const delimiter = line.slice(0, 3);
      const content: string[] = [];
      index++;
      while (index < lines.length && (lines[index] ?? '').trim() !== delimiter) {
        content.push(dedent(lines[index] ?? '', indent));
        index++;
      }
      if (index >= lines.length) throw syntax(lineNumber, 'doc string is never closed');
      last.docString = content.join('\n');
    } else if (line.startsWith('|')) {
      if (table === undefined) {
        const last = block?.steps.at(-1);
        if (last === undefined) throw syntax(lineNumber, 'table without a step');
        table = [];
        last.table = table;
      }
      table.push(splitRow(line));
    } else if (block !== undefined && block.steps.length > 0) {
      throw syntax(lineNumber, `unexpected line: ${line}`);
    }
    // Otherwise it is free text describing the feature or the scenario: ignored.
  }
  if (featureName === undefined) throw syntax(1, 'no Feature: line');
  const background = blocks.filter((b) => b.kind === 'background').flatMap((b) => b.steps);
  const scenarios = blocks
    .filter((b) => b.kind !== 'background')
    .flatMap((b) => expand(b))
    .map((s) => ({ ...s, steps: [...background, ...s.steps] }));
  return { name: featureName, scenarios };
}

function expand(block: Block): GherkinScenario[] {
  if (block.kind === 'scenario') return [{ name: block.name, line: block.line, steps: block.steps }];
  const scenarios: GherkinScenario[] = [];
  for (const [header = [], ...rows] of block.examples) {
    for (const row of rows) {
      const fill = (text: string) =>
        header.reduce((result, name, column) => result.replaceAll(`<${name}>`, row[column] ?? ''), text);
      scenarios.push({
        name: fill(block.name),
        line: block.line,
        steps: block.steps.map((step) => ({
          ...step,
          text: fill(step.text),
          ...(step.docString === undefined ? {} : { docString: fill(step.docString) }),
          ...(step.table === undefined ? {} : { table: step.table.map((cells) => cells.map(fill)) }),
        })),
      });
    }
  }
  return scenarios;
}

/** Removes up to `indent` leading spaces (the doc string's opening delimiter column). */
function dedent(line: string, indent: number): string {
  let cut = 0;
  while (cut < indent && line[cut] === ' ') cut++;
  return line.slice(cut);
}

/** `| a | b\|c |` → ['a', 'b|c']; escapes are \|, \\ and \n. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 1; i < line.length; i++) {
    const character = line[i];
    if (character === '\\') {
      const next = line[i + 1];
      cell += next === 'n' ? '\n' : (next ?? '');
      i++;
    } else if (character === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += character;
    }
  }
  return cells;
}

function syntax(line: number, problem: string): Error {
  return new Error(`Gherkin line ${line}: ${problem}`);
}
