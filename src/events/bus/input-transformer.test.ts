import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGustError } from '../../core/errors.js';
import { compileInputTransformer } from './input-transformer.js';
import type { BusEvent } from './types.js';

// The EC2 example of EventBridge's input transformer documentation.
const event: BusEvent = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', items: [{ sku: 'a' }, { sku: 'b' }] },
};
const context = {
  ruleName: 'example',
  ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/example',
  ingestionTime: '2015-11-11T21:29:55.000Z',
};
const inputPathsMap = { instance: '$.detail.instance-id', state: '$.detail.state' };

const apply = (inputTemplate: string, paths: Record<string, string> = inputPathsMap) =>
  compileInputTransformer({ inputPathsMap: paths, inputTemplate }).apply(event, context);

describe('the input transformer', () => {
  it('fills a string template with the values as text', () => {
    assert.deepEqual(apply('"instance <instance> is in <state>"'), {
      text: '"instance i-0123456789 is in RUNNING"',
      json: true,
    });
  });

  it('quotes string values in JSON value positions and keeps static parts', () => {
    const out = apply('{"instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"}');
    assert.equal(out.json, true);
    assert.deepEqual(JSON.parse(out.text), {
      instance: 'i-0123456789',
      state: [9, 'RUNNING', true],
      Transformed: 'Yes',
    });
  });

  it('writes values inside JSON strings as escaped text, so the result stays JSON', () => {
    const quoted = { ...event, detail: { ...event.detail, state: 'say "hi"' } };
    const t = compileInputTransformer({
      inputPathsMap,
      inputTemplate: '{"status": "instance \\"<instance>\\" is in <state>"}',
    });
    assert.deepEqual(JSON.parse(t.apply(quoted, context).text), {
      status: 'instance "i-0123456789" is in say "hi"',
    });
  });

  it('offers the reserved variables: rule name and ARN, ingestion time, the event with and without detail', () => {
    const out = JSON.parse(
      apply(
        '{"rule": <aws.events.rule-name>, "arn": <aws.events.rule-arn>, "at": <aws.events.event.ingestion-time>, "meta": <aws.events.event>, "all": <aws.events.event.json>}',
      ).text,
    );
    assert.equal(out.rule, 'example');
    assert.equal(out.arn, context.ruleArn);
    assert.equal(out.at, context.ingestionTime);
    assert.equal(out.meta.detail, undefined);
    assert.equal(out.meta.source, 'aws.ec2');
    assert.deepEqual(out.all, event);
    assert.equal(apply('"<aws.events.rule-name> triggered"').text, '"example triggered"');
  });

  it('reads array indexes and wildcards, and passes objects as JSON', () => {
    const out = apply('{"first": <first>, "skus": <skus>, "detail": <detail>}', {
      first: '$.resources[0]',
      skus: '$.detail.items[*].sku',
      detail: '$.detail',
    });
    assert.deepEqual(JSON.parse(out.text), {
      first: event.resources[0],
      skus: ['a', 'b'],
      detail: event.detail,
    });
  });

  it('writes null for a path the event lacks, and nothing inside a string', () => {
    const out = apply('{"v": <missing>, "s": "[<missing>]"}', { missing: '$.detail.nope' });
    assert.deepEqual(JSON.parse(out.text), { v: null, s: '[]' });
  });

  it('treats a template that is not JSON as plain text and leaves unknown placeholders alone', () => {
    assert.deepEqual(apply('<instance> is in state <state> <b>'), {
      text: 'i-0123456789 is in state RUNNING <b>',
      json: false,
    });
  });

  it('refuses bad paths, reserved names and JSON-looking templates that are not JSON, naming the field', () => {
    const reason = (config: Parameters<typeof compileInputTransformer>[0]) => {
      try {
        compileInputTransformer(config);
        return 'accepted';
      } catch (error) {
        assert.ok(isGustError(error));
        return error.message;
      }
    };
    assert.match(
      reason({ inputPathsMap: { id: 'detail.id' }, inputTemplate: 'x' }),
      /^inputPathsMap\.id: must start with \$/,
    );
    assert.match(
      reason({ inputPathsMap: { id: "$['id']" }, inputTemplate: 'x' }),
      /^inputPathsMap\.id: .*not a supported JSON path/,
    );
    assert.match(
      reason({ inputPathsMap: { 'aws.x': '$.id' }, inputTemplate: 'x' }),
      /^inputPathsMap\.aws\.x: names starting with aws\. are reserved/,
    );
    assert.match(
      reason({ inputPathsMap: { k: '$.id' }, inputTemplate: '{<k>: 1}' }),
      /^inputTemplate: starts like JSON but is not valid JSON.*a placeholder cannot be an object key/,
    );
    assert.match(reason({ inputTemplate: '' }), /^inputTemplate: must be 1 to 8192 characters/);
    assert.equal(reason({ inputTemplate: 'plain' }), 'accepted');
  });
});
