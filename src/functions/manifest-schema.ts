import { z } from 'zod';

/**
 * The schema of gust.yaml. Its shape follows the Serverless Framework's serverless.yml so users
 * recognise it. Field names are the manifest's; manifest.ts turns the parsed value into domain
 * types (FunctionConfig) and checks what a schema cannot (files, route clashes).
 */

export const RUNTIMES = ['nodejs20.x', 'provided'] as const;
export const MEMORY_MIN_MB = 128;
export const MEMORY_MAX_MB = 10240;
export const TIMEOUT_MAX_SEC = 900;

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;

const runtime = z.enum(RUNTIMES, { error: `expected one of ${RUNTIMES.join(', ')}` });
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

const event = z.strictObject({ http: httpEvent }, { error: 'expected an event such as { http: GET /path }' });

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
  },
  { error: 'expected a function definition (a map with handler, runtime, ...)' },
);

export const manifestSchema = z.strictObject(
  {
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
        },
        { error: 'expected defaults for every function: runtime, memory, timeout, environment' },
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
