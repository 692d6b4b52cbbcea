import Router from 'find-my-way';
import type { RouteEntry } from '../functions/control-plane.js';

/** The route a request matched, as declared in the manifest. */
export interface RouteMatch {
  functionName: string;
  /** "GET /hello/{name}", "ANY /files/{proxy+}": the method and path as declared. */
  routeKey: string;
  /** Decoded path parameters by declared name (a greedy `{proxy+}` is under "proxy"); undefined when none. */
  pathParameters: Record<string, string> | undefined;
  /** The route as the registry listed it (with its auth, CORS and rate limit settings). */
  entry: RouteEntry;
}

/** What a compiled route keeps for matching; find-my-way hands it back as the route's store. */
interface CompiledRoute {
  entry: RouteEntry;
  functionName: string;
  routeKey: string;
  /** Declared parameter names, by position in find-my-way's params (p0, p1, ..., then '*'). */
  paramKeys: string[];
  paramNames: string[];
  /** Literal segments find-my-way cannot express (containing '*'), checked after matching. */
  literalChecks: Array<[key: string, literal: string]>;
}

/** Paths the platform answers itself; never app routes. */
const RESERVED_PREFIXES = ['/_gust/', '/2015-03-31/'];

const HTTP_METHODS: readonly string[] = [
  'ACL',
  'BIND',
  'CHECKOUT',
  'CONNECT',
  'COPY',
  'DELETE',
  'GET',
  'HEAD',
  'LINK',
  'LOCK',
  'M-SEARCH',
  'MERGE',
  'MKACTIVITY',
  'MKCALENDAR',
  'MKCOL',
  'MOVE',
  'NOTIFY',
  'OPTIONS',
  'PATCH',
  'POST',
  'PROPFIND',
  'PROPPATCH',
  'PURGE',
  'PUT',
  'REBIND',
  'REPORT',
  'SEARCH',
  'SOURCE',
  'SUBSCRIBE',
  'TRACE',
  'UNBIND',
  'UNLINK',
  'UNLOCK',
  'UNSUBSCRIBE',
];

type HTTPMethod = Router.HTTPMethod;

function noop(): void {}

function decodeLiteral(segment: string): string {
  // find-my-way matches literals against the path decoded like decodeURI, so literals are decoded alike.
  try {
    return decodeURI(segment);
  } catch {
    return segment;
  }
}

/** Translates an API Gateway path template into a find-my-way pattern plus what is needed to undo it. */
function compilePath(path: string): Pick<CompiledRoute, 'paramKeys' | 'paramNames' | 'literalChecks'> & {
  pattern: string;
} {
  const paramKeys: string[] = [];
  const paramNames: string[] = [];
  const literalChecks: Array<[string, string]> = [];
  if (path === '/') return { pattern: '/', paramKeys, paramNames, literalChecks };
  const segments = path.slice(1).split('/');
  const out: string[] = [];
  segments.forEach((segment, i) => {
    const param = /^\{([^{}]+?)(\+?)\}$/.exec(segment);
    if (param) {
      const greedy = param[2] === '+';
      const key = greedy && i === segments.length - 1 ? '*' : `p${paramKeys.length}`;
      paramKeys.push(key);
      paramNames.push(param[1] ?? '');
      out.push(key === '*' ? '*' : `:${key}`);
    } else if (segment.includes('*')) {
      // find-my-way reads '*' as a wildcard anywhere; match the segment as a parameter and compare.
      const key = `p${paramKeys.length}`;
      paramKeys.push(key);
      paramNames.push('');
      literalChecks.push([key, decodeLiteral(segment)]);
      out.push(`:${key}`);
    } else {
      out.push(decodeLiteral(segment).replaceAll(':', '::'));
    }
  });
  return { pattern: `/${out.join('/')}`, paramKeys, paramNames, literalChecks };
}

/**
 * The app's HTTP routes, compiled once per change of the registry (never per request).
 * Precedence is API Gateway's: a literal segment beats a `{param}`, which beats a greedy `{proxy+}`;
 * an explicit method beats ANY on the same path. A greedy or plain parameter never matches an
 * empty value (so `/files/{proxy+}` does not match `/files/`).
 */
export class RouteTable {
  readonly #router = Router({ maxParamLength: 2048, querystringParser: () => ({}) });
  /** Methods that some route names explicitly (not via ANY): the candidates for a 405's Allow. */
  readonly #explicitMethods: string[] = [];
  readonly #size: number;
  /** The routes the table was built from, as given. */
  readonly entries: readonly RouteEntry[];

  constructor(routes: readonly RouteEntry[]) {
    this.entries = routes;
    const explicit = new Set<string>();
    // Explicit methods first, so ANY fills in only the methods a path does not name itself.
    const ordered = [...routes].sort((a, b) => Number(a.method === 'ANY') - Number(b.method === 'ANY'));
    const taken = new Set<string>();
    let size = 0;
    for (const route of ordered) {
      if (RESERVED_PREFIXES.some((p) => route.path.startsWith(p))) continue;
      const compiled = compilePath(route.path);
      const store: CompiledRoute = {
        entry: route,
        functionName: route.functionName,
        routeKey: `${route.method} ${route.path}`,
        paramKeys: compiled.paramKeys,
        paramNames: compiled.paramNames,
        literalChecks: compiled.literalChecks,
      };
      const methods = route.method === 'ANY' ? HTTP_METHODS : [route.method];
      let added = false;
      for (const method of methods) {
        // Duplicates (the registry should not let them through) keep the first route.
        const key = `${method} ${compiled.pattern}`;
        if (!HTTP_METHODS.includes(method) || taken.has(key)) continue;
        taken.add(key);
        try {
          this.#router.on(method as HTTPMethod, compiled.pattern, noop, store);
        } catch {
          continue; // A pattern find-my-way cannot hold; the registry validates paths, so this is defensive.
        }
        added = true;
        if (route.method !== 'ANY') explicit.add(method);
      }
      if (added) size++;
    }
    this.#explicitMethods = [...explicit].sort();
    this.#size = size;
  }

  /** Number of routes in the table. */
  get size(): number {
    return this.#size;
  }

  /** The route for `method` and `path` (the raw path, without the query string), or null. */
  match(method: string, path: string): RouteMatch | null {
    const found = this.#router.find(method as HTTPMethod, path);
    if (found === null) return null;
    const route = found.store as CompiledRoute;
    const { paramKeys, paramNames } = route;
    if (paramKeys.length === 0) {
      return {
        functionName: route.functionName,
        routeKey: route.routeKey,
        pathParameters: undefined,
        entry: route.entry,
      };
    }
    const params = found.params;
    for (const [key, literal] of route.literalChecks) {
      if (params[key] !== literal) return null;
    }
    let pathParameters: Record<string, string> | undefined;
    for (let i = 0; i < paramKeys.length; i++) {
      const value = params[paramKeys[i] as string];
      if (value === undefined || value === '') return null;
      const name = paramNames[i] as string;
      if (name !== '') {
        pathParameters ??= {};
        pathParameters[name] = value;
      }
    }
    return { functionName: route.functionName, routeKey: route.routeKey, pathParameters, entry: route.entry };
  }

  /** Methods for which `path` has a route (for 405 Allow); empty when the path matches nothing. */
  allowedMethods(path: string): string[] {
    return this.#explicitMethods.filter((method) => this.match(method, path) !== null);
  }
}
