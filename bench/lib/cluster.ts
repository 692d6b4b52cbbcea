/**
 * Gust nodes sharing one PostgreSQL schema, as `gust up --store postgres://...?schema=NAME` on
 * loopback, every node with the same GUST_MASTER_KEY (secrets are encrypted with it) and its own
 * data dir. The first node deploys the app and migrates the schema; later nodes start empty and load
 * the deployed functions from the store.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dropSchema, newSchema } from './postgres.js';
import { type RunningServer, startGustServer } from './servers.js';

export interface Cluster {
  readonly schema: string;
  readonly nodes: readonly RunningServer[];
  /** Starts one more node (the first one with the app); resolves once it answers health. */
  addNode(): Promise<RunningServer>;
  /**
   * Stops every node still running (SIGTERM, then SIGKILL), then drops the schema. Resolves to how
   * many descendants of the nodes had to be killed afterwards. Safe to call after a failure.
   */
  stop(): Promise<number>;
}

export interface ClusterOptions {
  /** For labels and log file names: "cluster throughput". */
  label: string;
  /** Data dirs and logs go under it. */
  dir: string;
  appDir: string;
  /** Prefix of the schema's name. */
  schemaPrefix: string;
}

export function createCluster(options: ClusterOptions): Cluster {
  const schema = newSchema(options.schemaPrefix);
  const env = { GUST_MASTER_KEY: randomBytes(32).toString('base64') };
  const nodes: RunningServer[] = [];
  return {
    schema: schema.name,
    nodes,
    async addNode() {
      const index = nodes.length;
      const nodeDir = join(options.dir, `node-${index}`);
      await mkdir(nodeDir, { recursive: true });
      const node = await startGustServer({
        label: `gust (${options.label}, node ${index})`,
        ...(index === 0 ? { appDir: options.appDir } : {}),
        dataDir: join(nodeDir, 'data'),
        workDir: nodeDir,
        store: schema.storeUrl,
        env,
      });
      nodes.push(node);
      return node;
    },
    async stop() {
      const leftovers = await Promise.all(nodes.map((node) => node.stop()));
      await dropSchema(schema.name);
      return leftovers.reduce((a, b) => a + b, 0);
    },
  };
}
