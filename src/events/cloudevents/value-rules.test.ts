import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isJsonContentType, isTextContentType } from './cloud-event.js';
import {
  absoluteUriProblem,
  base64Problem,
  mediaTypeProblem,
  timestampProblem,
  uriReferenceProblem,
} from './value-rules.js';

const ok = (problem: string | undefined) => problem === undefined;

describe('CloudEvents value rules', () => {
  it('accept the URI-references the spec gives as source examples and refuse malformed ones', () => {
    for (const value of [
      'https://github.com/cloudevents',
      'mailto:cncf-wg-serverless@lists.cncf.io',
      'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66',
      '/cloudevents/spec/pull/123',
      '1-555-123-4567',
      '//github.com/cloudevents/cloudeventsconformance/yaml/v1.yaml',
      '/a%20b?x=1#frag',
    ]) {
      assert.ok(ok(uriReferenceProblem(value)), value);
    }
    for (const value of ['', 'a b', 'caf\u00e9', '100%', 'a#b#c', '1a:b/c']) {
      assert.ok(!ok(uriReferenceProblem(value)), value);
    }
  });

  it('require a scheme for an absolute URI', () => {
    assert.ok(ok(absoluteUriProblem('https://example.com/schema.json')));
    assert.ok(!ok(absoluteUriProblem('/schema.json')));
  });

  it('accept RFC 3339 timestamps and refuse other date formats and impossible dates', () => {
    for (const value of [
      '2018-04-05T17:31:00Z',
      '2018-04-05t17:31:00.123456z',
      '2016-12-31T23:59:60+00:00',
    ]) {
      assert.ok(ok(timestampProblem(value)), value);
    }
    for (const value of [
      '2018-04-05',
      '2018-04-05T17:31Z',
      '2018-13-01T00:00:00Z',
      '2018-04-31T00:00:00Z',
      '2018-04-05T24:00:00Z',
      '2018-04-05T17:31:00+0100',
    ]) {
      assert.ok(!ok(timestampProblem(value)), value);
    }
  });

  it('accept media types with parameters and refuse anything else', () => {
    for (const value of [
      'application/json',
      'text/plain; charset="us-ascii"',
      'application/vnd.a+json;v=1;q=x',
    ]) {
      assert.ok(ok(mediaTypeProblem(value)), value);
    }
    for (const value of ['json', 'application/', 'text/plain; charset', 'a/b c']) {
      assert.ok(!ok(mediaTypeProblem(value)), value);
    }
  });

  it('accept padded base64, with line breaks, and refuse other text', () => {
    assert.ok(!ok(base64Problem('aGVsbG8=\r\nd29ybGQ=')), 'padding in the middle is not base64');
    assert.ok(ok(base64Problem('aGVs\nbG8=')));
    assert.ok(ok(base64Problem('')));
    assert.ok(!ok(base64Problem('aGVsbG8')));
    assert.ok(!ok(base64Problem('aGV-bG8=')));
  });

  it('tell JSON and text content types apart', () => {
    assert.ok(isJsonContentType('application/json; charset=utf-8'));
    assert.ok(isJsonContentType('text/json'));
    assert.ok(isJsonContentType('application/cloudevents+json'));
    assert.ok(!isJsonContentType('application/jsonx'));
    assert.ok(isTextContentType('text/csv'));
    assert.ok(isTextContentType('application/atom+xml'));
    assert.ok(isTextContentType('application/x-www-form-urlencoded; charset=UTF-8'));
    assert.ok(!isTextContentType('text/plain; charset=iso-8859-1'));
    assert.ok(!isTextContentType('application/octet-stream'));
  });
});
