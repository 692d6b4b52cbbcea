import { channel } from 'node:diagnostics_channel';
import type { Clock, TimerHandle } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { IdempotencyRepository } from '../store/delivery-repositories.js';
import { internalErrorChannel } from './error-response.js';
import { type Outcome, type StoredOutcome, toStored } from './idempotent-outcome.js';

export type { Outcome, StoredOutcome } from './idempotent-outcome.js';

/**
 * How much longer than the function's timeout a repeat waits for the first request (cold start,
 * body transfer and store writes are not part of the timeout). Past that it gets 409.
 */
export const WAIT_MARGIN_MS = 30_000;
/**
 * How much longer than the function's timeout an unfinished claim holds its key. A claim whose
 * holder died (a crash, a killed node) frees the key after this, instead of after the whole TTL.
 */
export const LEASE_MARGIN_MS = 60_000;
/** Polling the store for a first request on another node (or from before a restart): 25 ms doubling to 1 s. */
const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 1000;
/** Expired keys are deleted this often, once this node has used idempotency at all. */
const SWEEP_INTERVAL_MS = 5 * 60_000;

/**
 * What idempotency does, published for telemetry and tests (`{scope, key, action}`):
 * `run` (this request holds the key and runs), `wait` (a repeat waits for the first), `replay`
 * (a stored response is sent), `release` (the first ended without a response worth storing).
 */
export const idempotencyChannel = channel('gust:idempotency');

export type IdempotencyAction = 'run' | 'wait' | 'replay' | 'release';

/** One request that carries an Idempotency-Key for an endpoint that opted in. */
export interface IdempotentRequest {
  /** What the key is unique within: `route:POST /orders`, `function:orders`. */
  scope: string;
  key: string;
  /** Hash of what makes the request this request (fingerprint.ts); a reuse with another is 422. */
  fingerprint: string;
  /** The request id of this request: stored with the response, and sent again on replays. */
  requestId: string;
  /** How long a stored response is replayed, from when it was stored. */
  ttlMs: number;
  /** The function's timeout: bounds how long a repeat waits and how long a claim is held. */
  timeoutMs: number;
}

export type IdempotentResult =
  /** This request ran: write the outcome as usual. */
  | { replayed: false; outcome: Outcome }
  /** An earlier request with the key ran: send its stored outcome (replay.ts). */
  | { replayed: true; stored: StoredOutcome };

export interface Idempotency {
  /**
   * Runs `work` once per scope+key while the key lives: the first caller runs it and its outcome
   * is stored; repeats get the stored outcome, waiting for it while the first still runs. When
   * `work` throws, nothing is stored (the claim is released, so a retry runs) and the error
   * propagates. A repeat with another fingerprint is 422 ERR_IDEMPOTENCY_KEY_MISMATCH; a repeat
   * that waited longer than the function's timeout plus WAIT_MARGIN_MS is 409
   * ERR_IDEMPOTENCY_KEY_IN_PROGRESS.
   */
  run(request: IdempotentRequest, work: () => Promise<Outcome>): Promise<IdempotentResult>;
  /** Stops the sweeping of expired keys. */
  stop(): void;
}

export interface IdempotencyDeps {
  repository: IdempotencyRepository;
  clock: Clock;
}

/**
 * This node's pursuit of one scope+key. Invariant: at most one per scope+key, and only its driver
 * talks to the store for it; other requests on this node with the same key join it instead.
 */
interface Pursuit {
  /** The fingerprint that will be stored, once the driver holds the claim and runs. */
  ownerFingerprint: string | undefined;
  /** Settles when the pursuit ends: with the stored outcome, or null when the key is free again. */
  readonly done: Promise<StoredOutcome | null>;
}

type Driven =
  | { kind: 'ran'; outcome: Outcome; stored: StoredOutcome | null }
  | { kind: 'found'; stored: StoredOutcome };

const TIMED_OUT = Symbol('timed out');

/** Idempotency keys on top of the store's claim/complete/release, with in-process waiters. */
export function createIdempotency(deps: IdempotencyDeps): Idempotency {
  const { repository: repo, clock } = deps;
  const pursuits = new Map<string, Pursuit>();
  let sweepTimer: TimerHandle | undefined;
  let stopped = false;

  const publish = (request: IdempotentRequest, action: IdempotencyAction) => {
    if (idempotencyChannel.hasSubscribers) {
      idempotencyChannel.publish({ scope: request.scope, key: request.key, action });
    }
  };

  const sweep = () => {
    sweepTimer = undefined;
    Promise.resolve()
      .then(() => repo.deleteExpired(clock.now()))
      .then(scheduleSweep, (error: unknown) => {
        report(error, 'sweeping expired idempotency keys');
        scheduleSweep();
      });
  };
  const scheduleSweep = () => {
    if (!stopped && sweepTimer === undefined) sweepTimer = clock.setTimeout(sweep, SWEEP_INTERVAL_MS);
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      clock.setTimeout(resolve, ms);
    });

  /** `promise`, or TIMED_OUT once the clock reaches `deadline`. */
  const until = <T>(promise: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> => {
    let timer: TimerHandle | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = clock.setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadline - clock.now()));
    });
    return Promise.race([promise, timeout]).finally(() => timer?.cancel());
  };

  const release = async (request: IdempotentRequest) => {
    publish(request, 'release');
    try {
      await repo.release(request.scope, request.key);
    } catch (error) {
      // The claim then lapses by itself after its lease (timeout + LEASE_MARGIN_MS).
      report(error, `releasing Idempotency-Key '${request.key}' of ${request.scope}`);
    }
  };

  /** Claims the key in the store, then runs, or finds the stored outcome, or polls until one of those. */
  const drive = async (
    request: IdempotentRequest,
    pursuit: Pursuit,
    work: () => Promise<Outcome>,
    deadline: number,
  ): Promise<Driven> => {
    const leaseMs = request.timeoutMs + LEASE_MARGIN_MS;
    let pollMs = POLL_FIRST_MS;
    let waiting = false;
    for (;;) {
      const claim = await repo.claim(request.scope, request.key, clock.now(), leaseMs);
      if (claim.claimed) {
        scheduleSweep();
        pursuit.ownerFingerprint = request.fingerprint;
        publish(request, 'run');
        let outcome: Outcome;
        try {
          outcome = await work();
        } catch (error) {
          await release(request);
          throw error;
        }
        const stored = toStored(outcome, request.requestId, request.fingerprint);
        try {
          await repo.complete(request.scope, request.key, JSON.stringify(stored), clock.now(), request.ttlMs);
        } catch (error) {
          // The client still gets its response; a repeat may run again, which is all we can offer.
          report(error, `storing the response for Idempotency-Key '${request.key}' of ${request.scope}`);
          await release(request);
          return { kind: 'ran', outcome, stored: null };
        }
        return { kind: 'ran', outcome, stored };
      }
      const { record } = claim;
      if (record.state === 'completed') {
        return { kind: 'found', stored: parseStored(record.response, request) };
      }
      // The first request runs elsewhere (another node, or this one before a restart).
      const now = clock.now();
      if (now >= deadline) throw inProgress(request.key);
      if (!waiting) publish(request, 'wait');
      waiting = true;
      await sleep(Math.min(pollMs, deadline - now));
      pollMs = Math.min(pollMs * 2, POLL_MAX_MS);
    }
  };

  return {
    async run(request, work) {
      const id = `${request.scope}\n${request.key}`;
      const deadline = clock.now() + request.timeoutMs + WAIT_MARGIN_MS;
      for (;;) {
        const joined = pursuits.get(id);
        if (joined !== undefined) {
          if (joined.ownerFingerprint !== undefined && joined.ownerFingerprint !== request.fingerprint) {
            throw mismatch(request.key);
          }
          publish(request, 'wait');
          const stored = await until(joined.done, deadline);
          if (stored === TIMED_OUT) throw inProgress(request.key);
          // null: the first gave up its claim (or could not store); try for the key ourselves.
          if (stored !== null) return replay(request, stored);
          continue;
        }

        let settle: (stored: StoredOutcome | null) => void = () => {};
        const pursuit: Pursuit = {
          ownerFingerprint: undefined,
          done: new Promise((resolve) => {
            settle = resolve;
          }),
        };
        pursuits.set(id, pursuit);
        let result: Driven | undefined;
        try {
          result = await drive(request, pursuit, work, deadline);
        } finally {
          pursuits.delete(id);
          settle(result?.stored ?? null);
        }
        if (result.kind === 'ran') return { replayed: false, outcome: result.outcome };
        return replay(request, result.stored);
      }
    },

    stop() {
      stopped = true;
      sweepTimer?.cancel();
      sweepTimer = undefined;
    },
  };

  function replay(request: IdempotentRequest, stored: StoredOutcome): IdempotentResult {
    if (stored.fingerprint !== request.fingerprint) throw mismatch(request.key);
    publish(request, 'replay');
    return { replayed: true, stored };
  }
}

function parseStored(text: string | null, request: IdempotentRequest): StoredOutcome {
  try {
    const value = JSON.parse(text ?? '') as StoredOutcome;
    if (typeof value === 'object' && value !== null && typeof value.fingerprint === 'string') return value;
  } catch {
    // Reported below.
  }
  throw new Error(
    `the stored response for Idempotency-Key '${request.key}' of ${request.scope} is unreadable`,
  );
}

function report(error: unknown, what: string): void {
  const wrapped = new Error(`idempotency: ${what} failed`, { cause: error });
  if (internalErrorChannel.hasSubscribers) internalErrorChannel.publish({ requestId: null, error: wrapped });
  else console.error(`gust gateway: ${wrapped.message}:`, error);
}

function mismatch(key: string): GustError {
  return new GustError(
    'ERR_IDEMPOTENCY_KEY_MISMATCH',
    `Idempotency-Key '${key}' was already used for a different request (another method, path, ` +
      'qualifier or body). Use a new key for a new request.',
    { details: { parameter: 'Idempotency-Key' }, awsType: 'InvalidParameterValueException' },
  );
}

function inProgress(key: string): GustError {
  return new GustError(
    'ERR_IDEMPOTENCY_KEY_IN_PROGRESS',
    `A request with Idempotency-Key '${key}' is still in progress; retry it later to get its response.`,
    {
      details: { parameter: 'Idempotency-Key' },
      headers: { 'retry-after': '1' },
      awsType: 'ResourceConflictException',
    },
  );
}
