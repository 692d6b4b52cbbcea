/**
 * The part of autocannon 8's programmatic API the benchmarks use (the package ships no types, and
 * @types/autocannon would be one more dependency for four fields).
 */
declare module 'autocannon' {
  interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /** Seconds to wait for a response. */
    timeout?: number;
    /** Responses whose body differs are counted in `mismatches`. */
    expectBody?: string;
  }

  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
    total: number;
  }

  interface AutocannonResult {
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    /** Per-second samples of completed requests. */
    requests: Histogram & { sent: number };
    /** Milliseconds, at 1 ms resolution. */
    latency: Histogram & { totalCount: number };
  }

  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
}
