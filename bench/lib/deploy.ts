/** Deploying to a running Gust as `gust deploy` does: POST the packed app to /_gust/v1/deploy. */
import { BENCH_AUTH } from './auth.js';

export interface DeployResult {
  /** From sending the archive to receiving the report, in milliseconds. */
  ms: number;
  /** Functions the report lists, and how many of them it marks as changed. */
  functions: number;
  changed: number;
}

/** POSTs an archive made by `packApp` (src/cli/pack.ts); throws unless Gust answers 2xx. */
export async function postDeploy(url: string, archive: Buffer): Promise<DeployResult> {
  const start = performance.now();
  const res = await fetch(`${url}/_gust/v1/deploy`, {
    method: 'POST',
    headers: { ...BENCH_AUTH, 'content-type': 'application/gzip' },
    body: archive,
  });
  const text = await res.text();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`deploy failed: ${res.status} ${text.slice(0, 500)}`);
  const report = JSON.parse(text) as { functions: { changed: boolean }[] };
  return {
    ms,
    functions: report.functions.length,
    changed: report.functions.filter((f) => f.changed).length,
  };
}
