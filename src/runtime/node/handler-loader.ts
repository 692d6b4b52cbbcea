import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Resolves a Lambda handler string (`index.handler`, `src/app.handlers.get`) to a function, the way
 * the Lambda Node.js runtime does. Runs inside the instance process.
 */

/** A Lambda runtime error with a fixed `Runtime.*` name (e.g. Runtime.ImportModuleError). */
export class RuntimeError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = `Runtime.${type}`;
  }
}

/** Extensions tried in order. `import()` honours the nearest package.json "type" for `.js`. */
const EXTENSIONS = ['.js', '.mjs', '.cjs'];

const HANDLER_EXPR = /^([^.]*)\.(.*)$/;

interface ParsedHandler {
  /** Module path relative to the code root, without extension: `src/app`. */
  module: string;
  /** Export path inside the module: `handler` or `handlers.get`. */
  exportPath: string;
}

export function parseHandler(handler: string): ParsedHandler {
  if (handler.includes('..')) {
    throw new RuntimeError(
      'MalformedHandlerName',
      `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const name = basename(handler);
  const dir = handler.slice(0, handler.length - name.length);
  const match = HANDLER_EXPR.exec(name);
  if (!match || match[1] === undefined || match[2] === undefined || match[1] === '' || match[2] === '') {
    throw new RuntimeError('MalformedHandlerName', 'Bad handler');
  }
  return { module: dir + match[1], exportPath: match[2] };
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

async function importModule(codeDir: string, module: string): Promise<unknown> {
  const base = resolve(codeDir, module);
  const file = EXTENSIONS.map((ext) => base + ext).find((path) => existsSync(path));
  if (file === undefined) {
    throw new RuntimeError('ImportModuleError', `Error: Cannot find module '${module}'`);
  }
  try {
    return await import(pathToFileURL(file).href);
  } catch (error) {
    if (error instanceof SyntaxError) throw new RuntimeError('UserCodeSyntaxError', String(error));
    const code = errorCode(error);
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new RuntimeError('ImportModuleError', String(error));
    }
    // Anything else the module threw while initializing is reported as it is (errorType = its name).
    throw error;
  }
}

function lookup(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A handler as the runtime calls it; the callback is only used by 3-argument handlers. */
export type Handler = (
  event: unknown,
  context: unknown,
  callback: (err?: unknown, result?: unknown) => void,
) => unknown;

/** Imports the handler's module from `codeDir` and returns the handler function. */
export async function loadHandler(codeDir: string, handler: string): Promise<Handler> {
  const parsed = parseHandler(handler);
  const namespace = await importModule(codeDir, parsed.module);
  let fn = lookup(namespace, parsed.exportPath);
  // A CommonJS module whose exports Node could not detect statically is only on `default`.
  if (fn === undefined) fn = lookup(lookup(namespace, 'default'), parsed.exportPath);
  if (fn === undefined || fn === null) {
    throw new RuntimeError('HandlerNotFound', `${handler} is undefined or not exported`);
  }
  if (typeof fn !== 'function') throw new RuntimeError('HandlerNotFound', `${handler} is not a function`);
  return fn as Handler;
}
