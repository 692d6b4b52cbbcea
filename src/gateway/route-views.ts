import type { HttpRouteConfig } from '../core/types.js';
import type { RouteEntry } from '../functions/control-plane.js';

/**
 * A route as the control API shows it: a JWT route's HMAC `secret` is replaced by a marker, so
 * listing routes (function:List) never hands out what signs tokens. Everything else is shown.
 */
export function routeView(entry: RouteEntry): RouteEntry {
  if (entry.auth?.type !== 'jwt' || entry.auth.secret === undefined) return entry;
  return { ...entry, auth: { ...entry.auth, secret: '(hidden)' } };
}

/** A function configuration with every JWT route's HMAC secret hidden, for API answers. */
export function configView<T extends { routes: readonly HttpRouteConfig[] }>(config: T): T {
  if (!config.routes.some((r) => r.auth?.type === 'jwt' && r.auth.secret !== undefined)) return config;
  return {
    ...config,
    routes: config.routes.map((r) =>
      r.auth?.type === 'jwt' && r.auth.secret !== undefined
        ? { ...r, auth: { ...r.auth, secret: '(hidden)' } }
        : r,
    ),
  };
}

/** A function (summary or detail) as the control API shows it: secrets in its configuration hidden. */
export function functionView<
  T extends {
    config: { routes: readonly HttpRouteConfig[] };
    versions?: readonly { config: { routes: readonly HttpRouteConfig[] } }[];
  },
>(fn: T): T {
  const out = { ...fn, config: configView(fn.config) };
  if (fn.versions !== undefined)
    out.versions = fn.versions.map((v) => ({ ...v, config: configView(v.config) }));
  return out;
}
