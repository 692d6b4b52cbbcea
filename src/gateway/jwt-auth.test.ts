import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import type { HttpApiEvent } from './apigw-event.js';
import { startTestGateway, type TestGateway } from './test-support.js';

const ISSUER = 'https://auth.example.test/';
const AUDIENCE = 'shop-api';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface Refusal {
  status: number;
  code: string;
  message: string;
}

describe('gateway: JWT routes', () => {
  let gw: TestGateway;
  let jwks: Server;
  let jwksFetches = 0;
  let signing: Key;
  let stranger: Key;
  const now = () => Math.floor(gw.clock.now() / 1000);

  const token = (claims: Record<string, unknown> = {}, key: Key = signing, kid = 'k1') =>
    new SignJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now(),
      exp: now() + 600,
      sub: 'user-1',
      scope: 'orders:read orders:write',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(key);

  const call = (path: string, bearer: string | undefined) =>
    fetch(`${gw.url}${path}`, bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } });

  const refusal = async (response: Response): Promise<Refusal> => {
    const body = (await response.json()) as { error: { code: string; message: string } };
    return { status: response.status, code: body.error.code, message: body.error.message };
  };

  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    signing = pair.privateKey;
    stranger = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      jwksFetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    const publicKey = await exportSPKI(pair.publicKey);

    gw = await startTestGateway();
    gw.registry.add('orders');
    const base = { type: 'jwt' as const, issuer: ISSUER, audience: [AUDIENCE] };
    gw.registry.setRoutes([
      { method: 'GET', path: '/static', functionName: 'orders', auth: { ...base, publicKey } },
      { method: 'GET', path: '/remote', functionName: 'orders', auth: { ...base, jwksUrl } },
      {
        method: 'GET',
        path: '/admin',
        functionName: 'orders',
        auth: { ...base, publicKey, requiredClaims: { role: 'admin' }, scopes: ['orders:admin'] },
      },
    ]);
  });
  after(async () => {
    await gw.stop();
    jwks.close();
  });
  beforeEach(() => {
    gw.invoker.calls.length = 0;
  });

  it('passes a valid token and puts its claims and scopes in requestContext.authorizer.jwt', async () => {
    const response = await call('/static', await token({ groups: ['a', 'b'], n: 7 }));
    assert.equal(response.status, 200);
    const event = gw.invoker.lastEvent() as unknown as HttpApiEvent;
    const jwt = event.requestContext.authorizer?.jwt;
    assert.equal(jwt?.claims.sub, 'user-1');
    assert.equal(jwt?.claims.iss, ISSUER);
    assert.equal(jwt?.claims.groups, '[a b]');
    assert.equal(jwt?.claims.n, '7');
    assert.deepEqual(jwt?.scopes, ['orders:read', 'orders:write']);
  });

  it('refuses a request without a token with 401 and does not invoke', async () => {
    const r = await refusal(await call('/static', undefined));
    assert.equal(r.status, 401);
    assert.equal(r.code, 'ERR_UNAUTHENTICATED');
    assert.match(r.message, /no bearer token/);
    assert.equal(gw.invoker.calls.length, 0);
  });

  it('refuses an unsigned token (alg none) and never repeats the token', async () => {
    const unsigned = new UnsecuredJWT({ sub: 'x' }).setIssuer(ISSUER).setAudience(AUDIENCE).encode();
    const r = await refusal(await call('/static', unsigned));
    assert.deepEqual([r.status, r.code], [401, 'ERR_UNAUTHENTICATED']);
    assert.match(r.message, /algorithm/);
    assert.ok(!r.message.includes(unsigned));
  });

  it('refuses a token signed with another key', async () => {
    const r = await refusal(await call('/static', await token({}, stranger)));
    assert.equal(r.status, 401);
    assert.match(r.message, /signature does not verify/);
  });

  it('refuses an expired token, beyond a 30 s clock tolerance', async () => {
    const t = await token({ exp: now() - 20 });
    assert.equal((await call('/static', t)).status, 200, 'within the tolerance');
    const r = await refusal(await call('/static', await token({ exp: now() - 31 })));
    assert.equal(r.status, 401);
    assert.match(r.message, /expired/);
  });

  it('refuses a token for another audience', async () => {
    const t = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(ISSUER)
      .setAudience('someone-else')
      .setExpirationTime(now() + 60)
      .sign(signing);
    const r = await refusal(await call('/static', t));
    assert.equal(r.status, 401);
    assert.match(r.message, /audience/);
  });

  it('refuses a token from another issuer', async () => {
    const r = await refusal(await call('/static', await token({ iss: 'https://evil.example/' })));
    assert.equal(r.status, 401);
    assert.match(r.message, /issuer/);
  });

  it('refuses a token missing a required claim (401) or a required scope (403)', async () => {
    const noRole = await refusal(await call('/admin', await token({ scope: 'orders:admin' })));
    assert.equal(noRole.status, 401);
    assert.match(noRole.message, /no 'role' claim/);
    const wrongRole = await refusal(
      await call('/admin', await token({ role: 'user', scope: 'orders:admin' })),
    );
    assert.equal(wrongRole.status, 401);
    const noScope = await refusal(await call('/admin', await token({ role: 'admin' })));
    assert.deepEqual([noScope.status, noScope.code], [403, 'ERR_ACCESS_DENIED']);
    assert.equal(
      (await call('/admin', await token({ role: 'admin', scope: undefined, scp: ['orders:admin'] }))).status,
      200,
    );
  });

  it('verifies with a JWKS fetched from a URL, and caches it', async () => {
    const before = jwksFetches;
    assert.equal((await call('/remote', await token())).status, 200);
    assert.equal((await call('/remote', await token({ sub: 'user-2' }))).status, 200);
    assert.equal(jwksFetches - before, 1);
    const r = await refusal(await call('/remote', await token({}, stranger, 'unknown-kid')));
    assert.equal(r.status, 401);
    assert.match(r.message, /key id/);
  });
});
