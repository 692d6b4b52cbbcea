import type { Clock } from '../core/clock.js';
import type { LogLevel } from '../core/types.js';
import { LineSplitter, truncateLine } from './line-splitter.js';
import type { InstanceLogLine, LogListener } from './types.js';

type Stream = 'stdout' | 'stderr';

/**
 * Attributes an instance's output to whoever is listening: the running invocation (or the init
 * phase), else the last invocation's listener, else `fallback` (lines written before any invocation,
 * for example during a provisioned start).
 *
 * Text arrives on two kinds of channel per stream: `write` (raw text the bootstrap forwarded in
 * order with its results) and `pipe` (bytes read from the process's stdout/stderr pipes, for example
 * from the function's own child processes). Each channel has its own splitter so partial lines from
 * one never glue onto the other. A listener that throws is ignored: the platform must not fail
 * because a log consumer did.
 */
export class LogRouter {
  readonly #clock: Clock;
  #fallback: LogListener | undefined;
  #current: LogListener | null = null;
  #last: LogListener | null = null;
  readonly #splitters = new Map<string, LineSplitter>();

  constructor(clock: Clock, fallback?: LogListener) {
    this.#clock = clock;
    this.#fallback = fallback;
  }

  /** Sets where lines go when no invocation has listened yet. */
  setFallback(listener: LogListener): void {
    this.#fallback = listener;
  }

  /** Lines from now on go to `listener` until `detach`. */
  attach(listener: LogListener): void {
    this.#current = listener;
    this.#last = listener;
  }

  /** Ends the current attribution; later stray lines go to the last listener. */
  detach(): void {
    this.#current = null;
  }

  /** A complete, already formatted line (a console.* call). */
  line(stream: Stream, level: LogLevel | null, message: string): void {
    const target = this.#current ?? this.#last ?? this.#fallback;
    if (!target) return;
    const entry: InstanceLogLine = { time: this.#clock.now(), stream, level, message: truncateLine(message) };
    try {
      target(entry);
    } catch {
      // A failing listener must not break the instance or the platform.
    }
  }

  /** Raw text forwarded by the bootstrap (process.stdout.write). */
  write(stream: Stream, text: string | Uint8Array): void {
    this.#splitter(`write:${stream}`, stream).push(text);
  }

  /** Bytes read from the process's stdout/stderr pipe. */
  pipe(stream: Stream, chunk: string | Uint8Array): void {
    this.#splitter(`pipe:${stream}`, stream).push(chunk);
  }

  /**
   * Emits unfinished lines: of one channel kind (`write` at the end of a Node.js invocation, `pipe`
   * at the end of a provided one) or of all channels (the process ended).
   */
  flush(kind?: 'write' | 'pipe'): void {
    for (const [key, splitter] of this.#splitters) {
      if (kind === undefined || key.startsWith(`${kind}:`)) splitter.flush();
    }
  }

  #splitter(key: string, stream: Stream): LineSplitter {
    let splitter = this.#splitters.get(key);
    if (!splitter) {
      splitter = new LineSplitter((line) => this.line(stream, null, line));
      this.#splitters.set(key, splitter);
    }
    return splitter;
  }
}
