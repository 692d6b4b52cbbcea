import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { invoke, REPO, type RunningServer, startServer } from './harness.js';

const RIC = join(REPO, 'node_modules', 'aws-lambda-ric', 'bin', 'index.mjs');
const RIC_MISSING = !existsSync(RIC);
if (RIC_MISSING && process.env.CI) {
  throw new Error(
    'aws-lambda-ric is not installed, so its end-to-end test cannot run. It builds a native addon: ' +
      'apt-get install autoconf automake libtool cmake make g++, then npm ci.',
  );
}

// The bootstrap from AWS's custom runtime tutorial, in bash with curl: it echoes the event back
// together with the headers the Runtime API gave it.
const BASH_BOOTSTRAP = `#!/bin/bash
set -euo pipefail
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -LD "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)"
  ARN="$(grep -Fi Lambda-Runtime-Invoked-Function-Arn "$HEADERS" | tr -d '[:space:]' | cut -d: -f2-)"
  DEADLINE="$(grep -Fi Lambda-Runtime-Deadline-Ms "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)"
  rm -f "$HEADERS"
  echo "bash got $REQUEST_ID"
  if [ "$EVENT" = '{"fail":true}' ]; then
    curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/error" \\
      -H 'Lambda-Runtime-Function-Error-Type: Bash.Failure' \\
      -d '{"errorType":"Bash.Failure","errorMessage":"asked to fail"}'
    continue
  fi
  curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" \\
    -d "{\\"event\\":$EVENT,\\"requestId\\":\\"$REQUEST_ID\\",\\"arn\\":\\"$ARN\\",\\"deadline\\":$DEADLINE,\\"handler\\":\\"$_HANDLER\\",\\"fn\\":\\"$AWS_LAMBDA_FUNCTION_NAME\\"}"
done
`;

const FILES = {
  'gust.yaml': `
service: provided
functions:
  bash:
    runtime: provided
    handler: function.handler
    code: bash
    events:
      - http: GET /bash
  ric:
    runtime: provided
    code: ric
  broken:
    runtime: provided
    code: broken
`,
  'bash/bootstrap': { content: BASH_BOOTSTRAP, executable: true as const },
  // The official Node.js runtime interface client, unchanged, as a bootstrap.
  'ric/bootstrap': {
    content: `#!/bin/sh\nexec "${process.execPath}" "${RIC}" index.handler\n`,
    executable: true as const,
  },
  'ric/index.js':
    'exports.handler = async (event, context) => ({ got: event, fn: context.functionName, id: context.awsRequestId });',
  'broken/bootstrap': {
    content: '#!/bin/sh\necho "cannot start" >&2\nexit 7\n',
    executable: true as const,
  },
};

let server: RunningServer;

before(async () => {
  server = await startServer(FILES);
});

after(async () => {
  await server.stop();
});

describe('provided runtime', () => {
  it('runs a bash bootstrap through the Runtime API with the invocation headers', async () => {
    const res = await invoke(server.url, 'bash', { hello: 'bash' });
    assert.equal(res.status, 200, res.text);
    const body = res.body as {
      event: unknown;
      requestId: string;
      arn: string;
      deadline: number;
      handler: string;
      fn: string;
    };
    assert.deepEqual(body.event, { hello: 'bash' });
    assert.equal(body.requestId, res.headers.get('x-amzn-requestid'));
    assert.equal(body.arn, 'arn:aws:lambda:us-east-1:000000000000:function:bash');
    assert.ok(body.deadline > Date.now() - 60_000);
    assert.equal(body.handler, 'function.handler');
    assert.equal(body.fn, 'bash');
    // Warm: the same process answers the next one.
    assert.equal((await invoke(server.url, 'bash', { n: 2 })).status, 200);
  });

  it('passes errors posted to /error back as function errors', async () => {
    const res = await invoke(server.url, 'bash', { fail: true });
    assert.equal(res.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(res.body, { errorType: 'Bash.Failure', errorMessage: 'asked to fail' });
  });

  it('captures what the bootstrap prints into the function log', async () => {
    const res = await invoke(server.url, 'bash', {}, { 'X-Amz-Log-Type': 'Tail' });
    const tail = Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    assert.match(tail, new RegExp(`bash got ${res.headers.get('x-amzn-requestid')}`));
  });

  it('reports a bootstrap that exits before asking for work as Runtime.ExitError', async () => {
    const res = await invoke(server.url, 'broken');
    assert.equal(res.headers.get('x-amz-function-error'), 'Unhandled');
    assert.equal((res.body as { errorType: string }).errorType, 'Runtime.ExitError');
  });

  it('runs the official aws-lambda-ric client unchanged', {
    skip: RIC_MISSING && 'aws-lambda-ric is not installed (optional dependency)',
  }, async () => {
    const res = await invoke(server.url, 'ric', { from: 'ric' });
    assert.equal(res.status, 200, res.text);
    const body = res.body as { got: unknown; fn: string; id: string };
    assert.deepEqual(body.got, { from: 'ric' });
    assert.equal(body.fn, 'ric');
    assert.equal(body.id, res.headers.get('x-amzn-requestid'));
  });
});
