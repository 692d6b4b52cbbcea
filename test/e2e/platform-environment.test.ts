import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { invoke, REPO, type RunningServer, startServer } from './harness.js';

// The function loads the SDK from the repository (a real app bundles it), and builds its clients
// with no endpoint or credentials at all: Gust's environment points them at Gust.
const SDK = join(REPO, 'node_modules', '@aws-sdk', 'client-sqs');

const FILES = {
  'gust.yaml': `
service: platform-env
queues:
  inbox: {}
functions:
  sender:
    handler: sender.handler
    timeout: 10
    permissions:
      - Effect: Allow
        Action: [queue:Get, queue:Send]
        Resource: gust:queue:inbox
    environment:
      SDK_PATH: ${SDK}
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: "1"
  override:
    handler: sender.env
    environment:
      AWS_ENDPOINT_URL_SQS: http://example.invalid
`,
  'sender.js': `
    exports.handler = async (event) => {
      const { SQSClient, GetQueueUrlCommand, SendMessageCommand } = require(process.env.SDK_PATH);
      const sqs = new SQSClient({});
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'inbox' }));
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: event.text }));
      return { messageId: sent.MessageId };
    };
    exports.env = async () => ({ sqs: process.env.AWS_ENDPOINT_URL_SQS, gust: process.env.GUST_ENDPOINT });`,
};

let server: RunningServer;

before(async () => {
  server = await startServer(FILES);
});

after(async () => {
  await server.stop();
});

describe("functions' platform environment", () => {
  it('lets an AWS SDK client inside a function reach Gust with no configuration', async () => {
    const res = await invoke(server.url, 'sender', { text: 'from inside' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-amz-function-error'), null, res.text);
    const { messages } = await server.api<{ messages: { body: string }[] }>(
      '/_gust/v1/queues/inbox/messages',
    );
    assert.deepEqual(
      messages.map((m) => m.body),
      ['from inside'],
    );
  });

  it("gives the function's own environment the last word", async () => {
    const res = await invoke(server.url, 'override');
    assert.deepEqual(res.body, { sqs: 'http://example.invalid', gust: server.url });
  });
});
