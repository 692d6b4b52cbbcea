/**
 * Generated Gust apps. Handlers are `.mjs` files so they are ES modules wherever the code lands
 * (a `.js` file would take its module type from whatever package.json sits above the data dir).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One function, `hello`, behind `GET /hello`, answering `hello` with status 200. */
export async function writeHelloApp(dir: string): Promise<void> {
  await mkdir(join(dir, 'hello'), { recursive: true });
  await writeFile(
    join(dir, 'hello', 'index.mjs'),
    "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n",
  );
  await writeFile(
    join(dir, 'gust.yaml'),
    [
      'service: bench-hello',
      // Public: the benchmark measures the warm path, not authentication.
      'provider:',
      '  httpAuth: none',
      'functions:',
      '  hello:',
      '    runtime: nodejs20.x',
      '    handler: index.handler',
      '    code: hello',
      '    events:',
      '      - http: GET /hello',
      '',
    ].join('\n'),
  );
}

export interface ManyFunctionsOptions {
  service: string;
  count: number;
  /**
   * `distinct`: each function has its own code folder with its own content (so its own stored code).
   * `shared`: every function points at one code folder (one stored copy, deduplicated by hash).
   */
  code: 'distinct' | 'shared';
}

/** Function `f{i}` (i from 0) behind `GET /f{i}`, answering `f{i}`. Returns the function names. */
export async function writeManyFunctionsApp(dir: string, options: ManyFunctionsOptions): Promise<string[]> {
  const names = Array.from({ length: options.count }, (_, i) => `f${i}`);
  const yaml = [`service: ${options.service}`, 'provider:', '  httpAuth: none', 'functions:'];
  if (options.code === 'shared') {
    await mkdir(join(dir, 'shared'), { recursive: true });
    await writeFile(
      join(dir, 'shared', 'index.mjs'),
      'export const handler = async () => ({ statusCode: 200, body: process.env.AWS_LAMBDA_FUNCTION_NAME });\n',
    );
  }
  for (const name of names) {
    const codeDir = options.code === 'shared' ? 'shared' : `functions/${name}`;
    if (options.code === 'distinct') {
      await mkdir(join(dir, codeDir), { recursive: true });
      await writeFile(
        join(dir, codeDir, 'index.mjs'),
        `export const handler = async () => ({ statusCode: 200, body: '${name}' });\n`,
      );
    }
    yaml.push(
      `  ${name}:`,
      '    runtime: nodejs20.x',
      '    handler: index.handler',
      `    code: ${codeDir}`,
      '    events:',
      `      - http: GET /${name}`,
    );
  }
  await writeFile(join(dir, 'gust.yaml'), `${yaml.join('\n')}\n`);
  return names;
}

export interface QueueAppOptions {
  service: string;
  queue: string;
  /** Seconds; the queue's default (30) without it. */
  visibilityTimeout?: number;
  functionName: string;
  /** The source of the function's `index.mjs`, which exports `handler`. */
  handlerSource: string;
  /** The function's queue event; without it the function has none and messages wait in the queue. */
  trigger?: { batchSize: number; maximumConcurrency: number };
  /** Seconds (Gust's default is 3). */
  timeout?: number;
  environment?: Record<string, string>;
}

/** One queue and one function in its own code folder, triggered by the queue when `trigger` is set. */
export async function writeQueueApp(dir: string, options: QueueAppOptions): Promise<void> {
  const codeDir = options.functionName;
  await mkdir(join(dir, codeDir), { recursive: true });
  await writeFile(join(dir, codeDir, 'index.mjs'), options.handlerSource);
  const queue =
    options.visibilityTimeout === undefined ? '{}' : `{ visibilityTimeout: ${options.visibilityTimeout} }`;
  const yaml = [
    `service: ${options.service}`,
    'queues:',
    `  ${options.queue}: ${queue}`,
    'functions:',
    `  ${options.functionName}:`,
    '    runtime: nodejs20.x',
    '    handler: index.handler',
    `    code: ${codeDir}`,
  ];
  if (options.timeout !== undefined) yaml.push(`    timeout: ${options.timeout}`);
  if (options.environment !== undefined) {
    yaml.push('    environment:');
    // JSON strings are valid YAML double-quoted scalars.
    for (const [name, value] of Object.entries(options.environment))
      yaml.push(`      ${name}: ${JSON.stringify(value)}`);
  }
  if (options.trigger !== undefined) {
    const { batchSize, maximumConcurrency } = options.trigger;
    yaml.push(
      '    events:',
      `      - queue: { name: ${options.queue}, batchSize: ${batchSize}, maximumConcurrency: ${maximumConcurrency} }`,
    );
  }
  await writeFile(join(dir, 'gust.yaml'), `${yaml.join('\n')}\n`);
}
