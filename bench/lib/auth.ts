/**
 * The admin key every Gust the benchmarks start is created with (GUST_BOOTSTRAP_*), and the header
 * the benchmarks send to its APIs. Bearer checks are remembered by the server after the first, so
 * they add a SHA-256 of the header per request, as for any client with a key.
 */
export const BENCH_KEY = {
  accessKeyId: 'GKBENCHADMINKEY23456',
  secretAccessKey: 'bench-admin-secret-0123456789abcdefghijk',
} as const;

export const BENCH_AUTH: Readonly<Record<string, string>> = {
  authorization: `Bearer gust_${BENCH_KEY.accessKeyId}_${BENCH_KEY.secretAccessKey}`,
};

/**
 * Sets the environment every server and CLI process the benchmarks start inherits: the bootstrap
 * key for servers, the same key for the CLI, and a private CLI config folder.
 */
export function useBenchCredentials(configDir: string): void {
  process.env.GUST_BOOTSTRAP_ACCESS_KEY_ID = BENCH_KEY.accessKeyId;
  process.env.GUST_BOOTSTRAP_SECRET_ACCESS_KEY = BENCH_KEY.secretAccessKey;
  process.env.GUST_ACCESS_KEY_ID = BENCH_KEY.accessKeyId;
  process.env.GUST_SECRET_ACCESS_KEY = BENCH_KEY.secretAccessKey;
  process.env.GUST_CONFIG_DIR = configDir;
}
