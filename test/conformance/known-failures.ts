/**
 * Reads the known conformance failures listed in docs/workflows-conformance.md: table rows
 * `| suite | case | reason |`. A failing case passes the suite only when it is listed there.
 */
import { readFileSync } from 'node:fs';

export function knownFailures(suite: string): Map<string, string> {
  const text = readFileSync('docs/workflows-conformance.md', 'utf8');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length >= 5 && cells[1] === suite && cells[2] !== undefined && cells[3] !== undefined) {
      out.set(cells[2].replace(/^`|`$/g, ''), cells[3]);
    }
  }
  return out;
}
