/**
 * CloudEvents conformance (cloudevents/conformance @ 7a8ee0a, in ../shared/conformance/cloudevents):
 * the HTTP protocol binding feature, run through our Gherkin reader and the step definitions below,
 * and the YAML event vectors, sent the way the conformance tool sends them and round-tripped through
 * toHttpBinary / toHttpStructured. The Kafka feature is out of scope (Gust has no Kafka binding).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { toHttpBinary } from './binary-mode.js';
import { type CloudEvent, isJsonContentType, isTextContentType, type JsonValue } from './cloud-event.js';
import { type GherkinStep, parseFeature } from './gherkin.js';
import { parseCloudEventHttp } from './http-binding.js';
import { toHttpStructured } from './json-format.js';

/** Scenario name → why it fails. docs/cloudevents.md lists the same gaps. Empty: no known gaps. */
const KNOWN_GAPS: Record<string, string> = {};

// The test runs from dist/src/events/cloudevents/: the project root is four levels up.
const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DATA = join(PROJECT_ROOT, '..', 'shared', 'conformance', 'cloudevents');

interface World {
  request?: { headers: Record<string, string | string[]>; body: Buffer };
  events?: CloudEvent[];
}

interface StepDefinition {
  pattern: RegExp;
  run: (world: World, step: GherkinStep) => void;
}

const STEPS: StepDefinition[] = [
  { pattern: /^HTTP Protocol Binding is supported$/, run: () => {} },
  {
    pattern: /^an HTTP request$/,
    run: (world, step) => {
      world.request = parseRawRequest(required(step.docString, 'a doc string with the request'));
    },
  },
  {
    pattern: /^parsed as HTTP request$/,
    run: (world) => {
      world.events = parseCloudEventHttp(required(world.request, 'a request from an earlier step'));
    },
  },
  {
    pattern: /^the attributes are:$/,
    run: (world, step) => {
      const event = onlyEvent(world);
      const [header, ...rows] = required(step.table, 'a table');
      assert.deepEqual(header, ['key', 'value']);
      for (const [key = '', value] of rows)
        assert.equal(attributeText(event, key), value, `attribute ${key}`);
    },
  },
  {
    pattern: /^the data is equal to the following JSON:$/,
    run: (world, step) => {
      const expected: JsonValue = JSON.parse(required(step.docString, 'a doc string with JSON'));
      assert.deepEqual(onlyEvent(world).data, expected);
    },
  },
];

/** `POST / HTTP/1.1` + headers + blank line + body; the body is cut at Content-Length if given. */
function parseRawRequest(text: string): NonNullable<World['request']> {
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  let body = Buffer.from(split === -1 ? '' : text.slice(split + 2), 'utf8');
  const headers: Record<string, string | string[]> = {};
  for (const line of head.split('\n').slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const previous = headers[name];
    headers[name] = previous === undefined ? value : [previous, value].flat();
  }
  const length = headers['content-length'];
  if (typeof length === 'string') {
    assert.ok(
      body.length >= Number(length),
      `body is shorter (${body.length}) than Content-Length ${length}`,
    );
    body = body.subarray(0, Number(length));
  }
  return { headers, body };
}

function attributeText(event: CloudEvent, key: string): string | undefined {
  const core: Record<string, string | undefined> = { ...event, extensions: undefined, data: undefined };
  const value = key in core ? core[key] : event.extensions[key];
  return value === undefined ? undefined : String(value);
}

function onlyEvent(world: World): CloudEvent {
  const events = required(world.events, 'events parsed by an earlier step');
  assert.equal(events.length, 1, 'expected exactly one event');
  return events[0] as CloudEvent;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`step needs ${what}`);
  return value;
}

describe('CloudEvents conformance: HTTP protocol binding feature', () => {
  const feature = parseFeature(readFileSync(join(DATA, 'features', 'http-protocol-binding.feature'), 'utf8'));
  const results = { total: 0, passed: 0 };
  after(() => {
    console.log(`cloudevents http binding: ${results.total} scenarios, ${results.passed} passed`);
  });

  for (const scenario of feature.scenarios) {
    it(`scenario: ${scenario.name}`, (t) => {
      results.total++;
      let failure: unknown;
      try {
        const world: World = {};
        for (const step of scenario.steps) {
          const definition = STEPS.find((candidate) => candidate.pattern.test(step.text));
          if (definition === undefined)
            throw new Error(`no step definition for "${step.text}" (line ${step.line})`);
          definition.run(world, step);
        }
        results.passed++;
      } catch (error) {
        failure = error;
      }
      const gap = KNOWN_GAPS[scenario.name];
      if (gap !== undefined) {
        assert.ok(
          failure !== undefined,
          `"${scenario.name}" passes now: remove it from KNOWN_GAPS and the docs`,
        );
        t.skip(`known gap: ${gap}`);
      } else if (failure !== undefined) {
        throw failure;
      }
    });
  }

  it('names only existing scenarios as known gaps', () => {
    assert.ok(feature.scenarios.length > 0, 'the feature file has scenarios');
    const names = new Set(feature.scenarios.map((scenario) => scenario.name));
    assert.deepEqual(
      Object.keys(KNOWN_GAPS).filter((name) => !names.has(name)),
      [],
    );
  });
});

interface Vector {
  Mode?: string;
  ContextAttributes: Record<string, string | Record<string, string>>;
  TransportExtensions?: Record<string, string>;
  Data?: string;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? yamlFiles(path) : name.endsWith('.yaml') ? [path] : [];
    })
    .sort();
}

/**
 * The request the conformance tool's sender builds (pkg/http EventToRequest): every value trimmed,
 * empty ones left out, transport extensions as plain headers. Structured vectors go as a JSON envelope.
 */
function requestFor(vector: Vector): { headers: Record<string, string>; body: Buffer } {
  const { Extensions: extensions = {}, ...attributes } = vector.ContextAttributes;
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...attributes, ...(extensions as object) })) {
    if (typeof value === 'string' && value.trim() !== '') flat[name] = value.trim();
  }
  const transport = Object.fromEntries(
    Object.entries(vector.TransportExtensions ?? {}).map(([k, v]) => [k, v.trim()]),
  );
  const data = vector.Data ?? '';
  if (vector.Mode === 'structured') {
    const { datacontenttype } = flat;
    const json = datacontenttype === undefined || isJsonContentType(datacontenttype);
    const envelope = { ...flat, data: json ? JSON.parse(data) : data };
    return {
      headers: { ...transport, 'content-type': 'application/cloudevents+json' },
      body: Buffer.from(JSON.stringify(envelope)),
    };
  }
  const headers: Record<string, string> = { ...transport };
  for (const [name, value] of Object.entries(flat)) {
    headers[name === 'datacontenttype' ? 'content-type' : `ce-${name}`] = value;
  }
  return { headers, body: Buffer.from(data, 'utf8') };
}

/** The documented data contract: JSON parsed, text as a string, other bytes as a Buffer. */
function expectedData(vector: Vector, contentType: string | undefined): CloudEvent['data'] {
  const data = vector.Data ?? '';
  if (vector.Mode === 'structured') {
    return contentType === undefined || isJsonContentType(contentType) ? JSON.parse(data) : data;
  }
  if (contentType === undefined) return Buffer.from(data);
  if (isJsonContentType(contentType)) return JSON.parse(data);
  return isTextContentType(contentType) ? data : Buffer.from(data);
}

describe('CloudEvents conformance: YAML event vectors', () => {
  const results = { total: 0, passed: 0 };
  after(() => console.log(`cloudevents yaml vectors: ${results.total} vectors, ${results.passed} passed`));

  for (const file of yamlFiles(join(DATA, 'yaml'))) {
    // failsafe: every scalar stays a string, so `specversion: 1.0` is "1.0", not the number 1.
    const documents = parseAllDocuments(readFileSync(file, 'utf8'), { schema: 'failsafe' });
    documents.forEach((document, index) => {
      const vector = document.toJS() as Vector;
      const name = `${file.slice(DATA.length + 1)} #${index + 1} (${vector.ContextAttributes.id}, ${vector.Mode ?? 'binary'})`;
      it(`vector ${name} decodes as sent and round-trips through binary and structured mode`, () => {
        results.total++;
        const [event] = parseCloudEventHttp(requestFor(vector));
        assert.ok(event);
        const { Extensions: extensions = {}, ...attributes } = vector.ContextAttributes;
        for (const [key, value] of Object.entries(attributes)) {
          assert.equal(attributeText(event, key), String(value).trim(), `attribute ${key}`);
        }
        const expectedExtensions = Object.fromEntries(
          Object.entries(extensions as Record<string, string>).map(([k, v]) => [k, v.trim()]),
        );
        assert.deepEqual(event.extensions, expectedExtensions, 'extensions (and no transport headers)');
        assert.deepEqual(event.data, expectedData(vector, event.datacontenttype), 'data');

        const implied =
          event.datacontenttype === undefined && !Buffer.isBuffer(event.data)
            ? { datacontenttype: 'application/json' }
            : {};
        assert.deepEqual(parseCloudEventHttp(toHttpBinary(event)), [{ ...event, ...implied }], 'binary');
        assert.deepEqual(parseCloudEventHttp(toHttpStructured(event)), [event], 'structured');
        results.passed++;
      });
    });
  }
});
