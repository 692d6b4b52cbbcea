/**
 * A seeded generator with `java.util.Random`'s algorithm (48-bit LCG), so `States.MathRandom`
 * with a seed is deterministic and, if AWS seeds Java's generator as its JVM implementation
 * suggests, gives the same numbers. Unseeded calls do not use this.
 */
const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

/** A generator seeded like `new java.util.Random(seed)`. */
export class JavaRandom {
  #seed: bigint;

  constructor(seed: number) {
    this.#seed = (BigInt(Math.trunc(seed)) ^ MULTIPLIER) & MASK;
  }

  #next(bits: number): number {
    this.#seed = (this.#seed * MULTIPLIER + ADDEND) & MASK;
    // (int)(seed >>> (48 - bits)): for bits <= 31 the result is a non-negative int.
    return Number(this.#seed >> BigInt(48 - bits));
  }

  /** `Random.nextDouble()`: uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return (this.#next(26) * 2 ** 27 + this.#next(27)) / 2 ** 53;
  }

  /** `Random.nextInt(bound)`: uniform in [0, bound). `bound` must be a positive int. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > 0x7fffffff)
      throw new RangeError('bound must be a positive int');
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.#next(31))) >> 31n);
    let bits: number;
    let value: number;
    do {
      bits = this.#next(31);
      value = bits % bound;
    } while (((bits - value + (bound - 1)) | 0) < 0); // int overflow means a biased draw
    return value;
  }
}
