import { StringDecoder } from 'node:string_decoder';

/** Longest line kept, in UTF-16 code units (about 256 KB of ASCII). Longer lines are cut. */
export const MAX_LINE_LENGTH = 256 * 1024;

/** Appended to a line that was cut at MAX_LINE_LENGTH. */
export const TRUNCATION_MARKER = ' [truncated]';

/** Cuts `text` to MAX_LINE_LENGTH, marking it when it was cut. */
export function truncateLine(text: string, max = MAX_LINE_LENGTH): string {
  return text.length <= max ? text : text.slice(0, max) + TRUNCATION_MARKER;
}

/**
 * Turns a stream of chunks (text or bytes, possibly cut mid-line or mid-character) into lines.
 *
 * Invariants: a line is emitted once its `\n` arrives (a trailing `\r` is dropped); `flush` emits
 * any unfinished line; memory held for one line never exceeds `max` characters: the rest of an
 * over-long line is dropped until its newline, and the line is emitted once, cut and marked.
 */
export class LineSplitter {
  readonly #onLine: (line: string) => void;
  readonly #max: number;
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';
  /** True while dropping the tail of an over-long line. */
  #overflow = false;

  constructor(onLine: (line: string) => void, max = MAX_LINE_LENGTH) {
    this.#onLine = onLine;
    this.#max = max;
  }

  push(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(Buffer.from(chunk));
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) {
        this.#append(text.slice(start));
        return;
      }
      this.#append(text.slice(start, nl));
      this.#emit();
      start = nl + 1;
    }
  }

  /** Emits the unfinished line, if any (for example when the writer exits or an invocation ends). */
  flush(): void {
    const rest = this.#decoder.end();
    if (rest) this.#append(rest);
    if (this.#partial !== '' || this.#overflow) this.#emit();
  }

  #append(text: string): void {
    if (text === '' || this.#overflow) return;
    const room = this.#max - this.#partial.length;
    if (text.length <= room) {
      this.#partial += text;
    } else {
      this.#partial += text.slice(0, room);
      this.#overflow = true;
    }
  }

  #emit(): void {
    let line = this.#partial;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.#overflow) line += TRUNCATION_MARKER;
    this.#partial = '';
    this.#overflow = false;
    this.#onLine(line);
  }
}
