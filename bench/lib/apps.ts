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
  const yaml = [`service: ${options.service}`, 'functions:'];
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
