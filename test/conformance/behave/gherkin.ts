/**
 * A small Gherkin reader for the behave-asl features: Feature, Background, Scenario, Scenario
 * Outline with Examples tables (expanded into one scenario per row), steps, and `"""` doc strings.
 * Enough for this suite; not a general Gherkin implementation (no Rules, tags or data tables
 * on steps).
 */
export interface Step {
  keyword: string;
  text: string;
  docString?: string;
}

export interface Scenario {
  feature: string;
  name: string;
  steps: Step[];
}

export function parseFeature(file: string, source: string): Scenario[] {
  const lines = source.split(/\r?\n/);
  const scenarios: Scenario[] = [];
  let background: Step[] = [];
  let current: { name: string; steps: Step[]; outline: boolean; examples: string[][][] } | undefined;
  let target: Step[] | undefined;
  const seen = new Map<string, number>();
  const flush = () => {
    if (current === undefined) return;
    // Two scenarios with one name in a file: the second is "name (2)".
    const count = (seen.get(current.name) ?? 0) + 1;
    seen.set(current.name, count);
    if (count > 1) current.name = `${current.name} (${count})`;
    if (!current.outline) {
      scenarios.push({ feature: file, name: current.name, steps: [...background, ...current.steps] });
    } else {
      const rows = current.examples.flatMap(([header, ...body]) => body.map((row) => ({ header, row })));
      rows.forEach(({ header, row }, i) => {
        const sub = (text: string) =>
          text.replace(/<([^>]+)>/g, (m, k: string) => row[header?.indexOf(k) ?? -1] ?? m);
        scenarios.push({
          feature: file,
          name: `${current?.name} #${i + 1}`,
          steps: [...background, ...(current?.steps ?? [])].map((s) => {
            const step: Step = { keyword: s.keyword, text: sub(s.text) };
            if (s.docString !== undefined) step.docString = sub(s.docString);
            return step;
          }),
        });
      });
    }
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('"""')) {
      const indent = line.indexOf('"""');
      const body: string[] = [];
      for (i++; i < lines.length && !(lines[i] as string).trim().startsWith('"""'); i++) {
        const l = lines[i] as string;
        body.push(l.slice(Math.min(indent, l.length - l.trimStart().length)));
      }
      const last = target?.[target.length - 1];
      if (last !== undefined) last.docString = body.join('\n');
      continue;
    }
    const heading =
      /^(Feature|Background|Scenario Outline|Scenario Template|Scenario|Example|Examples|Scenarios):\s*(.*)$/.exec(
        trimmed,
      );
    if (heading !== null) {
      const [, kind, name = ''] = heading;
      if (kind === 'Background') {
        flush();
        target = background = [];
      } else if (kind === 'Examples' || kind === 'Scenarios') {
        target = undefined;
        current?.examples.push([]);
      } else if (kind !== 'Feature') {
        flush();
        current = { name, steps: [], outline: kind !== 'Scenario' && kind !== 'Example', examples: [] };
        target = current.steps;
      }
      continue;
    }
    if (trimmed.startsWith('|') && current !== undefined && target === undefined) {
      current.examples[current.examples.length - 1]?.push(
        trimmed
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim()),
      );
      continue;
    }
    const step = /^(Given|When|Then|And|But|\*)\s+(.*)$/.exec(trimmed);
    if (step !== null && target !== undefined)
      target.push({ keyword: step[1] as string, text: (step[2] as string).trim() });
  }
  flush();
  return scenarios;
}
