/** Paths the platform itself answers: an app route may not live under them. */
export const RESERVED_PREFIXES = ['/_gust/', '/2015-03-31/'] as const;

/**
 * Checks an HTTP route template: it starts with '/', its segments are literals, `{name}`
 * parameters, or a greedy `{name+}` as the last segment; no parameter name repeats.
 * Returns what is wrong, or undefined when the path is fine.
 */
export function validateRoutePath(path: string): string | undefined {
  if (!path.startsWith('/')) return `expected a path starting with /, got "${path}"`;
  if (path.length > 1024) return 'expected a path of at most 1024 characters';
  for (const prefix of RESERVED_PREFIXES) {
    if (path === prefix.slice(0, -1) || path.startsWith(prefix)) {
      return `paths under ${prefix} are reserved for Gust's own API`;
    }
  }
  if (path === '/') return undefined;
  const segments = path.slice(1).split('/');
  const names = new Set<string>();
  for (const [i, segment] of segments.entries()) {
    if (segment === '') {
      if (i === segments.length - 1) return 'expected no trailing / (API Gateway does not allow one)';
      return `expected no empty segment (//) in "${path}"`;
    }
    if (!segment.includes('{') && !segment.includes('}')) {
      if (!/^[A-Za-z0-9._~!$&'()*,;=:@%-]+$/.test(segment))
        return `segment "${segment}" has characters not allowed in a path`;
      continue;
    }
    const match = /^\{([A-Za-z_][A-Za-z0-9_-]*)(\+?)\}$/.exec(segment);
    if (!match)
      return `segment "${segment}" must be a literal, {name} or {name+} (a parameter is a whole segment)`;
    const [, name = '', greedy] = match;
    if (greedy && i !== segments.length - 1) return `greedy parameter {${name}+} must be the last segment`;
    if (names.has(name)) return `parameter {${name}} appears twice`;
    names.add(name);
  }
  return undefined;
}
