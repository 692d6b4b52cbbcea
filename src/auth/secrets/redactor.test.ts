import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { MIN_SECRET_LENGTH, Redactor, redactionMarker, secretForms } from './redactor.js';

const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

/** A small deterministic pseudo-random generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

/**
 * What the redactor should produce, computed the slow and obvious way: find every occurrence of
 * every value, merge occurrences that overlap, name each run after its longest secret.
 */
function naiveRedact(text: string, secrets: Map<string, string>): string {
  const names = [...secrets.keys()].sort();
  const found: Array<{ start: number; end: number; name: string }> = [];
  for (const name of names) {
    const value = secrets.get(name) ?? '';
    for (let i = text.indexOf(value); i !== -1; i = text.indexOf(value, i + 1)) {
      found.push({ start: i, end: i + value.length, name });
    }
  }
  found.sort((a, b) => a.start - b.start);
  let out = '';
  let from = 0;
  for (let i = 0; i < found.length; ) {
    const first = found[i];
    if (first === undefined) break;
    let { end } = first;
    let best = first;
    let j = i + 1;
    for (; j < found.length && (found[j]?.start ?? Infinity) < end; j++) {
      const next = found[j];
      if (next === undefined) break;
      end = Math.max(end, next.end);
      if (next.end - next.start > best.end - best.start) best = next;
    }
    out += text.slice(from, first.start) + redactionMarker(best.name);
    from = end;
    i = j;
  }
  return out + text.slice(from);
}

describe('Redactor', () => {
  it('replaces every occurrence of a secret and leaves the rest of the text as it was', () => {
    const redactor = new Redactor({ STRIPE_KEY: STRIPE });
    assert.equal(
      redactor.redact(`charging with ${STRIPE}, retry with ${STRIPE}${STRIPE}!`),
      'charging with [REDACTED:STRIPE_KEY], retry with [REDACTED:STRIPE_KEY][REDACTED:STRIPE_KEY]!',
    );
    const clean = 'nothing to see here: sk_live_ but not the rest ✓';
    assert.equal(redactor.redact(clean), clean);
    assert.equal(redactor.redact(''), '');
  });

  it('replaces a secret as it appears inside JSON strings and console.log output', () => {
    const tricky = `pa"ss\\wo'rd\n\u0001é`;
    const redactor = new Redactor({ DB_PASSWORD: tricky });
    const marker = '[REDACTED:DB_PASSWORD]';
    assert.equal(redactor.redact(JSON.stringify({ password: tricky })), `{"password":"${marker}"}`);
    // With both kinds of quote in it, util.inspect quotes the value with backticks.
    assert.equal(redactor.redact(inspect({ password: tricky })), `{ password: \`${marker}\` }`);
    const quoted = new Redactor({ NOTE: "it's\ta secret" });
    assert.equal(quoted.redact(inspect(["it's\ta secret"])), '[ "[REDACTED:NOTE]" ]');
    assert.equal(
      quoted.redact(inspect({ a: "it's\ta secret" }, { compact: false })),
      '{\n  a: "[REDACTED:NOTE]"\n}',
    );
    assert.equal(redactor.redact(`raw ${tricky} end`), `raw ${marker} end`);
  });

  it('replaces a secret URL-encoded, and base64-encoded wherever it starts in the encoded bytes', () => {
    const value = 'hunter2/with+slashes&more';
    const redactor = new Redactor({ TOKEN: value });
    assert.equal(
      redactor.redact(`GET /cb?token=${encodeURIComponent(value)}&x=1`),
      'GET /cb?token=[REDACTED:TOKEN]&x=1',
    );
    for (const prefix of ['', 'u', 'us', 'user:', 'admin:']) {
      for (const suffix of ['', '!', '!!', '\n']) {
        const bytes = Buffer.from(prefix + value + suffix);
        for (const encoded of [bytes.toString('base64'), bytes.toString('base64url')]) {
          const line = `Authorization: Basic ${encoded}`;
          const redacted = redactor.redact(line);
          assert.ok(
            redacted.includes('[REDACTED:TOKEN]'),
            `${JSON.stringify(prefix)} + value + ${JSON.stringify(suffix)}`,
          );
          // What is left is the encoding of the prefix and suffix plus a character or two of the
          // value's edges (those share bits with the neighbouring bytes), and padding.
          const leftover = redacted.slice('Authorization: Basic '.length).split('[REDACTED:TOKEN]').join('');
          const neighbours = Math.ceil(((prefix.length + suffix.length) * 4) / 3);
          assert.ok(leftover.length <= neighbours + 6, `only the edges are left: ${leftover}`);
        }
      }
    }
  });

  it('replaces each line of a multi-line secret, so line-by-line log capture hides it too', () => {
    const pem =
      '-----BEGIN KEY-----\nMIIBVwIBADANBgkqhkiG9w0BAQEFAASCAUEw\nggE9AgEAAkEAq7BFUpkGp3+XQ\n-----END KEY-----';
    const redactor = new Redactor({ TLS_KEY: pem });
    for (const line of pem.split('\n')) assert.equal(redactor.redact(line), '[REDACTED:TLS_KEY]');
    assert.equal(redactor.redact(pem), '[REDACTED:TLS_KEY]');
  });

  it('replaces the longest secret where one contains another, and one marker where two overlap', () => {
    const redactor = new Redactor({
      SHORT: 'password',
      LONG: 'password1234',
      LEFT: 'abcdXYZ',
      RIGHT: 'XYZefgh',
    });
    assert.equal(redactor.redact('a password1234 b'), 'a [REDACTED:LONG] b');
    assert.equal(redactor.redact('a password123 b'), 'a [REDACTED:SHORT]123 b');
    assert.equal(redactor.redact('a abcdXYZefgh b'), 'a [REDACTED:LEFT] b', 'no fragment of RIGHT is left');
    assert.equal(redactor.redact('XYZefgh abcdXYZ'), '[REDACTED:RIGHT] [REDACTED:LEFT]');
  });

  it('finds the same occurrences as a naive search, for many random texts and secret sets', () => {
    const next = random(42);
    const word = (min: number, max: number) =>
      Array.from(
        { length: min + Math.floor(next() * (max - min + 1)) },
        () => 'abc'[Math.floor(next() * 3)],
      ).join('');
    for (let round = 0; round < 300; round++) {
      const secrets = new Map<string, string>();
      const count = 1 + Math.floor(next() * 6);
      for (let i = 0; i < count; i++) secrets.set(`S${i}`, word(MIN_SECRET_LENGTH, 7));
      const text = word(0, 60);
      const redactor = new Redactor(secrets);
      const expected = naiveRedact(text, secrets);
      assert.equal(redactor.redact(text), expected, `${JSON.stringify([...secrets])} in ${text}`);
      const stream = redactor.stream();
      let streamed = '';
      for (let at = 0; at < text.length; ) {
        const size = Math.floor(next() * 8);
        streamed += stream.write(text.slice(at, at + size));
        at += size;
      }
      assert.equal(streamed + stream.end(), expected, `streamed: ${JSON.stringify([...secrets])} in ${text}`);
    }
  });

  it('redacts a thousand secrets in one pass', () => {
    const secrets = new Map<string, string>();
    for (let i = 0; i < 1000; i++)
      secrets.set(`SECRET_${i}`, `value-${i.toString(36)}-${(i * 7919).toString(16)}`);
    const redactor = new Redactor(secrets);
    const picks = [0, 1, 499, 998, 999];
    const text = picks.map((i) => `n${i}=${secrets.get(`SECRET_${i}`)};`).join(' ');
    assert.equal(redactor.redact(text), picks.map((i) => `n${i}=[REDACTED:SECRET_${i}];`).join(' '));
  });

  it('finds a secret split across streamed chunks at any point, holding back no more than it must', () => {
    const redactor = new Redactor({ STRIPE_KEY: STRIPE, OTHER: 'abcdXYZ' });
    const text = `start ${STRIPE} middle abcdXYZ end`;
    const expected = redactor.redact(text);
    assert.equal(expected, 'start [REDACTED:STRIPE_KEY] middle [REDACTED:OTHER] end');
    for (let a = 0; a <= text.length; a++) {
      for (const b of [a, a + 3, a + 11]) {
        const stream = redactor.stream();
        const out =
          stream.write(text.slice(0, a)) + stream.write(text.slice(a, b)) + stream.write(text.slice(b));
        assert.equal(out + stream.end(), expected, `cut at ${a} and ${b}`);
      }
    }
    const stream = redactor.stream();
    assert.equal(
      stream.write('plain words '),
      'plain words ',
      'text that cannot start a secret is passed on at once',
    );
    assert.equal(stream.write('then sk_li'), 'then ', 'a possible start of a secret is held back');
    assert.equal(stream.write('ve? no'), 'sk_live? no');
    assert.equal(stream.end(), '');
  });

  it('uses new values after setSecrets, also in open streams, and reports values too short to redact', () => {
    const redactor = new Redactor({ API_TOKEN: 'token-value-old' });
    const stream = redactor.stream();
    assert.equal(stream.write('x token-value-'), 'x ', 'what may be the old value is held back');
    assert.deepEqual(
      redactor.setSecrets(
        new Map([
          ['API_TOKEN', 'token-value-new'],
          ['PIN', '123'],
        ]),
      ),
      ['PIN'],
    );
    assert.equal(
      stream.write('new y') + stream.end(),
      '[REDACTED:API_TOKEN] y',
      'held-back text is read again',
    );
    assert.equal(
      redactor.redact('token-value-old token-value-new 123'),
      'token-value-old [REDACTED:API_TOKEN] 123',
    );
    redactor.setSecrets({});
    assert.equal(redactor.redact('token-value-new'), 'token-value-new');
  });

  it('lists the forms it looks for and leaves out base64 fragments too short to be specific', () => {
    assert.deepEqual(secretForms('abcd'), ['abcd']);
    const forms = secretForms('p@ss word"1');
    // 11 bytes at offset 0: three whole 4-character groups, then 2 characters fixed by the last 2 bytes.
    const base64 = Buffer.from('p@ss word"1').toString('base64').slice(0, 14);
    for (const form of ['p@ss word"1', 'p@ss word\\"1', 'p%40ss%20word%221', base64]) {
      assert.ok(forms.includes(form), form);
    }
  });
});
