import { z } from 'zod';
import { cors, httpAuth, httpRouteOptions } from './http-options-schema.js';

/**
 * The schema of gust.yaml. Its shape follows the Serverless Framework's serverless.yml so users
 * recognise it. Field names are the manifest's; manifest.ts turns the parsed value into domain
 * types (FunctionConfig) and checks what a schema cannot (files, route clashes).
 */

export const RUNTIMES = ['nodejs20.x', 'provided'] as const;
export const MEMORY_MIN_MB = 128;
export const MEMORY_MAX_MB = 10240;
export const TIMEOUT_MAX_SEC = 900;
/** `none`: the instance gets its own empty network namespace (sandboxed only); `outbound`: the host's. */
export const NETWORK_MODES = ['none', 'outbound'] as const;

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;

const runtime = z.enum(RUNTIMES, { error: `expected one of ${RUNTIMES.join(', ')}` });
const network = z.enum(NETWORK_MODES, { error: `expected one of ${NETWORK_MODES.join(', ')}` });
const memory = z
  .number({ error: 'expected a number of megabytes' })
  .int({ error: 'expected a whole number of megabytes' })
  .min(MEMORY_MIN_MB, { error: `expected at least ${MEMORY_MIN_MB} (MB)` })
  .max(MEMORY_MAX_MB, { error: `expected at most ${MEMORY_MAX_MB} (MB)` });
const timeout = z
  .number({ error: 'expected a number of seconds' })
  .positive({ error: 'expected a positive number of seconds' })
  .max(TIMEOUT_MAX_SEC, { error: `expected at most ${TIMEOUT_MAX_SEC} (seconds)` });
const environment = z.record(
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'environment variable names are letters, digits and _' }),
  z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }),
  { error: 'expected a map of NAME: value' },
);
const count = (what: string) =>
  z
    .number({ error: `expected a whole number of ${what}` })
    .int({ error: `expected a whole number of ${what}` })
    .min(0, { error: `expected 0 or more ${what}` });

const httpObject = z.strictObject({
  method: z
    .string({ error: 'expected an HTTP method' })
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(HTTP_METHODS, { error: `expected one of ${HTTP_METHODS.join(', ')}` })),
  path: z.string({ error: 'expected a path such as /hello/{name}' }),
});

/** `http: GET /path` (the Serverless shorthand) or `http: { method, path }`. */
const httpEvent = z.union(
  [
    httpObject,
    z
      .string()
      .regex(/^\s*[A-Za-z]+\s+\/\S*\s*$/, { error: 'expected "METHOD /path" or { method, path }' })
      .transform((s, ctx) => {
        const [method = '', path = ''] = s.trim().split(/\s+/);
        const parsed = httpObject.safeParse({ method, path });
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid http event' });
          return z.NEVER;
        }
        return parsed.data;
      }),
  ],
  { error: 'expected "METHOD /path" or { method, path }' },
);

const seconds = (what: string, min: number, max: number) =>
  z
    .number({ error: `expected ${what} in seconds` })
    .int({ error: `expected a whole number of seconds` })
    .min(min, { error: `expected at least ${min} (seconds)` })
    .max(max, { error: `expected at most ${max} (seconds)` });

const NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;
const name = (what: string) =>
  z
    .string({ error: `expected a ${what} name` })
    .regex(NAME_RE, { error: `expected a ${what} name of 1 to 80 letters, digits, - and _` });

const idempotency = z.union(
  [
    seconds('a time to live', 1, 7 * 24 * 3600),
    z.strictObject({ ttl: seconds('a time to live', 1, 7 * 24 * 3600) }),
  ],
  { error: 'expected a time to live in seconds, or { ttl: seconds }' },
);

const httpEventObject = httpObject.extend({ idempotency: idempotency.optional(), ...httpRouteOptions });

const queueEvent = z.union(
  [
    name('queue'),
    z.strictObject({
      name: name('queue'),
      batchSize: z
        .number()
        .int()
        .min(1, { error: 'expected 1 to 10' })
        .max(10, { error: 'expected 1 to 10' })
        .optional(),
      maximumBatchingWindow: seconds('a batching window', 0, 300).optional(),
      maximumConcurrency: z
        .number({ error: 'expected a number of batches' })
        .int()
        .min(1, { error: 'expected 1 to 1000' })
        .max(1000, { error: 'expected 1 to 1000' })
        .optional(),
    }),
  ],
  { error: 'expected a queue name, or { name, batchSize, maximumBatchingWindow, maximumConcurrency }' },
);

const pattern = z.record(z.string(), z.unknown(), { error: 'expected an event pattern (a map)' });

const inputTransformer = z.strictObject({
  inputPathsMap: z.record(z.string(), z.string()).optional(),
  inputTemplate: z.string({ error: 'expected the input template text' }),
});

const eventBridgeEvent = z.strictObject(
  {
    pattern,
    name: name('rule').optional(),
    bus: name('event bus').optional(),
    eventBus: name('event bus').optional(),
    inputTransformer: inputTransformer.optional(),
  },
  { error: 'expected { pattern: {...} } with optional bus, name and inputTransformer' },
);

const scheduleObject = z.strictObject({
  rate: z.union([z.string(), z.array(z.string()).length(1, { error: 'expected one expression' })]).optional(),
  cron: z.string().optional(),
  timezone: z.string().optional(),
  name: name('schedule').optional(),
  input: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  enabled: z.boolean().optional(),
  missed: z.enum(['skip', 'run-latest'], { error: 'expected skip or run-latest' }).optional(),
});

const scheduleEvent = z.union([z.string(), scheduleObject], {
  error: 'expected rate(...) / cron(...), or { rate | cron, timezone, input, enabled, missed }',
});

const EVENT_KINDS = ['http', 'queue', 'eventBridge', 'schedule'] as const;

const event = z
  .strictObject(
    {
      http: z
        // The string alternative only: httpEvent's own object form is the strict { method, path },
        // which would win over httpEventObject's precise errors with "unknown field auth".
        .union([httpEventObject, httpEvent.options[1]], {
          error: 'expected "METHOD /path" or { method, path }',
        })
        .optional(),
      queue: queueEvent.optional(),
      eventBridge: eventBridgeEvent.optional(),
      schedule: scheduleEvent.optional(),
    },
    { error: `expected an event: one of ${EVENT_KINDS.join(', ')}` },
  )
  .refine((e) => Object.keys(e).length === 1, {
    error: `expected exactly one of ${EVENT_KINDS.join(', ')} per event`,
  });

const destination = z
  .string({ error: 'expected function:NAME, queue:NAME or bus:NAME' })
  .regex(/^(function|queue|bus):[A-Za-z0-9_-]{1,80}$/, {
    error: 'expected function:NAME, queue:NAME or bus:NAME',
  });

/**
 * A function role's inline policy statements (IAM's Statement list); checked in full by the
 * policy parser, which names the statement and field at fault.
 */
const permissions = z.array(z.unknown(), {
  error: 'expected a list of policy statements ({ Effect, Action, Resource })',
});
const policyNames = z.array(
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'expected a policy name' }),
  { error: 'expected a list of policy names' },
);

const functionSchema = z.strictObject(
  {
    runtime: runtime.optional(),
    handler: z.string({ error: 'expected file.export, e.g. src/index.handler' }).min(1).optional(),
    code: z.string({ error: 'expected a folder path relative to the app' }).min(1).optional(),
    memory: memory.optional(),
    memorySize: memory.optional(),
    timeout: timeout.optional(),
    reservedConcurrency: count('instances').optional(),
    provisionedConcurrency: count('instances').optional(),
    environment: environment.optional(),
    description: z.string({ error: 'expected text' }).max(256).optional(),
    events: z.array(event, { error: 'expected a list of events' }).optional(),
    maximumRetryAttempts: z
      .number({ error: 'expected a number of retries' })
      .int()
      .min(0, { error: 'expected 0 or more' })
      .max(1000, { error: 'expected at most 1000' })
      .optional(),
    maximumEventAge: seconds('an age', 60, 7 * 24 * 3600).optional(),
    destinations: z
      .strictObject({ onSuccess: destination.optional(), onFailure: destination.optional() })
      .optional(),
    idempotency: idempotency.optional(),
    network: network.optional(),
    permissions: permissions.optional(),
    policies: policyNames.optional(),
  },
  { error: 'expected a function definition (a map with handler, runtime, ...)' },
);

const queueSchema = z.strictObject(
  {
    visibilityTimeout: seconds('a visibility timeout', 0, 12 * 3600).optional(),
    maxReceiveCount: z
      .number()
      .int()
      .min(1, { error: 'expected 1 to 1000' })
      .max(1000, { error: 'expected 1 to 1000' })
      .optional(),
    deadLetterQueue: name('queue').optional(),
    retention: seconds('a retention period', 60, 14 * 24 * 3600).optional(),
    delay: seconds('a delay', 0, 900).optional(),
  },
  { error: 'expected queue settings: visibilityTimeout, maxReceiveCount, deadLetterQueue, retention, delay' },
);

/** A scheduled rule's `schedule`: `rate(...)` / `cron(...)`, or `{ rate | cron, timezone, enabled }`. */
const ruleSchedule = z.union(
  [
    z.string(),
    z.strictObject({
      rate: z.string().optional(),
      cron: z.string().optional(),
      timezone: z.string().optional(),
      enabled: z.boolean().optional(),
    }),
  ],
  { error: 'expected rate(...) / cron(...), or { rate | cron, timezone, enabled }' },
);

const ruleSchema = z.strictObject(
  {
    pattern: pattern.optional(),
    schedule: ruleSchedule.optional(),
    bus: name('event bus').optional(),
    targets: z
      .array(
        z.string().regex(/^(function|queue|workflow):[A-Za-z0-9_-]{1,80}$/, {
          error: 'expected function:NAME, queue:NAME or workflow:NAME',
        }),
        {
          error: 'expected a list of targets',
        },
      )
      .min(1, { error: 'expected at least one target' }),
    inputTransformer: inputTransformer.optional(),
  },
  { error: 'expected a rule: { pattern or schedule, targets, bus?, inputTransformer? }' },
);

export const manifestSchema = z.strictObject(
  {
    queues: z
      .record(name('queue'), z.union([queueSchema, z.null()]), {
        error: 'expected a map of queue name to settings',
      })
      .optional(),
    rules: z.record(name('rule'), ruleSchema, { error: 'expected a map of rule name to rule' }).optional(),
    workflows: z
      .record(
        name('workflow'),
        z.strictObject(
          {
            definition: z
              .string({ error: 'expected the definition file (JSON or YAML), e.g. ./order.asl.json' })
              .min(1, { error: 'expected the definition file (JSON or YAML), e.g. ./order.asl.json' }),
          },
          { error: 'expected { definition: FILE }' },
        ),
        { error: 'expected a map of workflow name to { definition: FILE }' },
      )
      .optional(),
    service: z
      .string({ error: 'expected the app name' })
      .regex(SERVICE_NAME, { error: 'expected a name of letters, digits and -, starting with a letter' }),
    provider: z
      .strictObject(
        {
          name: z.string().optional(),
          runtime: runtime.optional(),
          memory: memory.optional(),
          memorySize: memory.optional(),
          timeout: timeout.optional(),
          environment: environment.optional(),
          network: network.optional(),
          production: z.boolean({ error: 'expected true or false' }).optional(),
          permissions: permissions.optional(),
          policies: policyNames.optional(),
          httpAuth: httpAuth.optional(),
          cors: cors.optional(),
        },
        {
          error:
            'expected defaults for every function: runtime, memory, timeout, environment, network, permissions, policies, httpAuth, cors',
        },
      )
      .optional(),
    functions: z
      .record(
        z.string().regex(FUNCTION_NAME, { error: 'function names are 1 to 64 letters, digits, - and _' }),
        functionSchema,
        { error: 'expected a map of function name to definition' },
      )
      .refine((fns) => Object.keys(fns).length > 0, { error: 'declare at least one function' }),
  },
  { error: 'expected a map with service and functions' },
);

export type ManifestInput = z.input<typeof manifestSchema>;
export type ParsedManifest = z.output<typeof manifestSchema>;
export type ParsedFunction = z.output<typeof functionSchema>;
