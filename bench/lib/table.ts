/** The table bench/run.ts prints: one line per row, notes as numbered footnotes below it. */
import { type BenchRow, formatTarget, formatValue, verdict } from './rows.js';

export function formatResultsTable(rows: readonly BenchRow[]): string {
  const notes: string[] = [];
  const header = ['benchmark', 'value', 'unit', 'target', 'verdict'];
  const body = rows.map((row) => {
    let name = row.name;
    if (row.note !== undefined && row.note !== '') {
      // Rows with the same note share its number.
      if (!notes.includes(row.note)) notes.push(row.note);
      name += ` [${notes.indexOf(row.note) + 1}]`;
    }
    return [name, formatValue(row.value), row.unit, formatTarget(row), verdict(row)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  // Numbers align right, words left.
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  if (notes.length > 0) lines.push('', ...notes.map((note, i) => `[${i + 1}] ${note}`));
  return lines.join('\n');
}
