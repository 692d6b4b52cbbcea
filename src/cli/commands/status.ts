/** `gust status`: what the server says about itself (GET /_gust/v1/health), and loud warnings. */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatFields, formatTable } from '../table.js';

/** The health answer (docs/api.md). Fields are optional: an older server may leave some out. */
export interface HealthView {
  status?: string;
  version?: string;
  uptimeMs?: number;
  store?: string;
  /** 'bwrap' when instances run sandboxed, 'none' when they are plain processes. */
  sandbox?: string;
  /** Functions whose `network: none` this server cannot enforce (it has no sandbox). */
  networkNotEnforced?: string[];
  /** The id of the node that answered. */
  node?: string;
  /** 'unavailable' when the node cannot reach its store. */
  storeStatus?: string;
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('show the server: version, uptime, store, and whether instances are sandboxed')
    .action(async () => {
      // Health is public: this works before any credentials are set up.
      const client = ctx.client();
      const response = await client.request('GET', '/_gust/v1/health');
      const health = parseHealth(response.text);
      // The nodes need credentials (nodes:List); without them status still shows the health.
      const nodes = await client
        .request('GET', '/_gust/v1/nodes')
        .then((r) => JSON.parse(r.text) as NodeList)
        .catch(() => undefined);
      if (ctx.globals().json)
        return ctx.json(nodes === undefined ? health : { ...health, nodes: nodes.nodes });
      ctx.out(formatStatus(health, client.endpoint));
      if (nodes !== undefined && nodes.nodes.length > 0) {
        ctx.out('');
        ctx.out(nodesTable(nodes, ctx.now()));
      }
      for (const warning of statusWarnings(health)) ctx.err(warning);
    });
}

/** The health answer, or a CliError saying the endpoint is not a Gust server. */
export function parseHealth(text: string): HealthView {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('The health endpoint did not answer with JSON: is this endpoint a Gust server?');
  }
  return value as HealthView;
}

/** `GET /_gust/v1/nodes`. */
export interface NodeList {
  self: string | null;
  nodes: {
    id: string;
    url: string;
    version: string;
    startedAt: number;
    heartbeatAt: number;
    alive: boolean;
    load: { inFlight: number; instances: number; rssBytes: number };
  }[];
}

/** One line per node: whether it is alive, its load, and which one answered. */
export function nodesTable(list: NodeList, now: number): string {
  return formatTable(
    [
      'NODE',
      'URL',
      'STATE',
      { header: 'LAST SEEN', align: 'right' },
      { header: 'IN FLIGHT', align: 'right' },
      { header: 'INSTANCES', align: 'right' },
      { header: 'MEMORY', align: 'right' },
      'VERSION',
    ],
    list.nodes.map((n) => [
      `${n.id.slice(0, 8)}${n.id === list.self ? ' (this)' : ''}`,
      n.url,
      n.alive ? 'alive' : 'DEAD',
      `${Math.max(0, Math.round((now - n.heartbeatAt) / 1000))}s ago`,
      String(n.load.inFlight),
      String(n.load.instances),
      `${Math.round(n.load.rssBytes / 1024 / 1024)} MB`,
      n.version,
    ]),
  );
}

/** The fields, one per line. */
export function formatStatus(health: HealthView, endpoint: string): string {
  return formatFields([
    ['Endpoint', endpoint],
    ['Status', health.status ?? '-'],
    ['Version', health.version ?? '-'],
    ['Uptime', health.uptimeMs === undefined ? '-' : formatUptime(health.uptimeMs)],
    ['Store', health.store ?? '-'],
    ['Sandbox', describeSandbox(health.sandbox)],
  ]);
}

function describeSandbox(sandbox: string | undefined): string {
  if (sandbox === 'bwrap') return 'bwrap (instances run in bubblewrap sandboxes)';
  if (sandbox === 'none') return 'none (instances are NOT sandboxed)';
  return sandbox ?? 'unknown (the server did not say)';
}

/** What an operator must know, each with how to fix it. Empty when all is well. */
export function statusWarnings(health: HealthView): string[] {
  const warnings: string[] = [];
  if (health.storeStatus === 'unavailable') {
    warnings.push(
      `WARNING: this node cannot reach its store (${health.store ?? 'unknown'}): calls that need it answer 503 ERR_STORE_UNAVAILABLE until it is back; the node reconnects by itself.`,
    );
  }
  if (health.sandbox !== 'bwrap') {
    warnings.push(
      'WARNING: function instances are NOT sandboxed: they run as ordinary processes with the ' +
        "server's user, can read its data directory (database, master key) and use its network. " +
        'Do not run untrusted code. To fix it, install bubblewrap (apt-get install bubblewrap) and ' +
        'restart the server with `gust up --sandbox` (or `--production`).',
    );
  }
  const unenforced = health.networkNotEnforced ?? [];
  if (unenforced.length > 0) {
    warnings.push(
      `WARNING: network: none is NOT enforced for ${unenforced.join(', ')}: without a sandbox they ` +
        "share the host's network. Restart the server with --sandbox to enforce it.",
    );
  }
  return warnings;
}

/** `3d 4h`, `2h 5m`, `5m 12s`, `42s`. */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
