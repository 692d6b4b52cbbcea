import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../../core/errors.js';
import { parseBearerAuthorization, verifyBearer } from './bearer.js';
import { formatBearerToken, generateKeyPair } from './key-format.js';
import { hashSecret } from './secret-hash.js';

const key = generateKeyPair();
const token = formatBearerToken(key);

function thrown(fn: () => unknown): GustError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GustError);
    return error;
  }
  assert.fail('nothing was thrown');
}

describe('bearer authorization', () => {
  it('reads the key pair from "Bearer <token>", whatever the case of the scheme', () => {
    assert.deepEqual(parseBearerAuthorization(`Bearer ${token}`), key);
    assert.deepEqual(parseBearerAuthorization(`bearer  ${token}`), key);
  });

  it('asks for credentials when there is no Authorization header', () => {
    const error = thrown(() => parseBearerAuthorization(undefined));
    assert.equal(error.code, 'ERR_UNAUTHENTICATED');
    assert.equal(error.status, 401);
    assert.equal(error.headers?.['www-authenticate'], 'Bearer realm="gust"');
  });

  it('names what is wrong with a malformed bearer header, never echoing the secret', () => {
    const cases: [string | string[], string][] = [
      [
        'Bearer',
        "The Authorization header must be 'Bearer ' followed by one token (gust_<access key id>_<secret>).",
      ],
      [
        `Bearer ${token} extra`,
        "The Authorization header must be 'Bearer ' followed by one token (gust_<access key id>_<secret>).",
      ],
      [
        `Bearer ${key.accessKeyId}:${key.secret}`,
        "The bearer token is not a Gust key: it does not start with 'gust_'.",
      ],
      [
        `Bearer ${token.slice(0, -1)}`,
        "The bearer token is not a Gust key: the secret must be 40 characters of A-Z, a-z, 0-9, '-' and '_' (it has 39).",
      ],
      [[`Bearer ${token}`, `Bearer ${token}`], 'Send one Authorization header, not 2.'],
    ];
    for (const [header, message] of cases) {
      const error = thrown(() => parseBearerAuthorization(header));
      assert.equal(error.code, 'ERR_MALFORMED_AUTHORIZATION');
      assert.equal(error.status, 400);
      assert.equal(error.message, message);
      assert.ok(!error.message.includes(key.secret));
    }
  });

  it('verifies a token against the stored hash of its secret', async () => {
    const stored = await hashSecret(key.secret, { ln: 10, r: 8, p: 1 });
    const lookups: string[] = [];
    const lookup = async (id: string) => {
      lookups.push(id);
      return id === key.accessKeyId ? stored : undefined;
    };
    assert.deepEqual(await verifyBearer(`Bearer ${token}`, lookup), { accessKeyId: key.accessKeyId });
    assert.deepEqual(lookups, [key.accessKeyId]);

    const wrongSecret = formatBearerToken({ accessKeyId: key.accessKeyId, secret: generateKeyPair().secret });
    const stranger = formatBearerToken(generateKeyPair());
    for (const bad of [wrongSecret, stranger]) {
      await assert.rejects(verifyBearer(`Bearer ${bad}`, lookup), (error: unknown) => {
        assert.ok(error instanceof GustError);
        assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
        assert.equal(error.status, 403);
        assert.match(error.message, /does not exist, or the secret is not its secret/);
        return true;
      });
    }
  });
});
