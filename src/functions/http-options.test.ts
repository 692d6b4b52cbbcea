import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { GustError } from '../core/errors.js';
import { parseManifest } from './manifest.js';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function manifest(http: string, provider = ''): string {
  return `
service: shop
${provider}
functions:
  auth:
    handler: auth.handler
  orders:
    handler: orders.handler
    events:
      - http: GET /plain
      - http:
${http
  .split('\n')
  .map((line) => `          ${line}`)
  .join('\n')}
`;
}

function routes(text: string) {
  const fn = parseManifest(text).functions.find((f) => f.name === 'orders');
  return fn?.config.routes ?? [];
}

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    parseManifest(text);
  } catch (error) {
    assert.ok(error instanceof GustError);
    return error.details?.issues as { path: string; message: string }[];
  }
  assert.fail('expected the manifest to be refused');
}

describe('manifest: route auth, CORS and rate limits', () => {
  it('leaves the default (key auth, no CORS, no limit) out of the stored route', () => {
    const [plain, explicit] = routes(manifest('method: GET\npath: /x\nauth: key'));
    assert.deepEqual(plain, { method: 'GET', path: '/plain' });
    assert.deepEqual(explicit, { method: 'GET', path: '/x' });
  });

  it('applies provider.httpAuth and provider.cors to every route, and a route overrides them', () => {
    const [plain, own] = routes(
      manifest('method: GET\npath: /x\nauth: key\ncors: false', 'provider:\n  httpAuth: none\n  cors: true'),
    );
    assert.deepEqual(plain?.auth, { type: 'none' });
    assert.deepEqual(plain?.cors, {
      allowOrigins: ['*'],
      allowMethods: ['*'],
      allowHeaders: ['*'],
      exposeHeaders: [],
      allowCredentials: false,
    });
    assert.equal(own?.auth, undefined);
    assert.equal(own?.cors, undefined);
  });

  it('reads a JWT route with a JWKS URL, audiences, required claims and scopes', () => {
    const [, route] = routes(
      manifest(`method: GET
path: /x
auth:
  type: jwt
  issuer: https://auth.example.com/
  audience: shop
  jwksUrl: https://auth.example.com/.well-known/jwks.json
  requiredClaims: { role: admin }
  scopes: [orders:read]`),
    );
    assert.deepEqual(route?.auth, {
      type: 'jwt',
      issuer: 'https://auth.example.com/',
      audience: ['shop'],
      jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
      requiredClaims: { role: 'admin' },
      scopes: ['orders:read'],
    });
  });

  it('reads an authorizer route with its defaults, and a rate limit with a default burst', () => {
    const [, route] = routes(
      manifest('method: GET\npath: /x\nauth: { type: authorizer, function: auth }\nrateLimit: { rate: 2.5 }'),
    );
    assert.deepEqual(route?.auth, {
      type: 'authorizer',
      function: 'auth',
      identitySource: ['$request.header.Authorization'],
      ttlSec: 300,
    });
    assert.deepEqual(route?.rateLimit, { rate: 2.5, burst: 3 });
  });

  it('accepts a PEM public key and refuses a private one', () => {
    const indent = (pem: string) => pem.trim().split('\n').join('\n    ');
    const withKey = (pem: string) =>
      manifest(
        `method: GET\npath: /x\nauth:\n  type: jwt\n  issuer: i\n  audience: a\n  publicKey: |\n    ${indent(pem)}`,
      );
    assert.equal(routes(withKey(PUBLIC_PEM))[1]?.auth?.type, 'jwt');
    assert.deepEqual(issuesOf(withKey(PRIVATE_PEM)), [
      {
        path: 'functions.orders.events.1.http.auth.publicKey',
        message: 'that is a private key: give the public key (-----BEGIN PUBLIC KEY-----)',
      },
    ]);
  });

  it('names the field and what was expected for every wrong setting', () => {
    assert.deepEqual(issuesOf(manifest('method: GET\npath: /x\nauth: jwt')), [
      {
        path: 'functions.orders.events.1.http.auth',
        message:
          'expected none or key, or { type: jwt | authorizer, ... } (jwt and authorizer take settings)',
      },
    ]);
    assert.deepEqual(
      issuesOf(manifest('method: GET\npath: /x\nauth: { type: jwt, audience: a, secret: short }')),
      [
        {
          path: 'functions.orders.events.1.http.auth.issuer',
          message: 'required: expected the issuer tokens carry in iss, e.g. https://auth.example.com/',
        },
        {
          path: 'functions.orders.events.1.http.auth.secret',
          message: 'expected an HMAC secret of at least 32 characters',
        },
      ],
    );
    assert.deepEqual(
      issuesOf(manifest('method: GET\npath: /x\nauth: { type: jwt, issuer: i, audience: a }')),
      [
        {
          path: 'functions.orders.events.1.http.auth',
          message: 'expected where the signing key comes from: one of jwksUrl, publicKey or secret',
        },
      ],
    );
    assert.deepEqual(issuesOf(manifest('method: GET\npath: /x\nauth: { type: magic }')), [
      {
        path: 'functions.orders.events.1.http.auth.type',
        message: 'expected type: one of none, key, jwt, authorizer',
      },
    ]);
    assert.deepEqual(
      issuesOf(manifest('method: GET\npath: /x\nauth: { type: authorizer, function: nobody }')),
      [
        {
          path: 'functions.orders.events',
          message: 'route GET /x: authorizer function nobody is not declared in this manifest',
        },
      ],
    );
    assert.deepEqual(
      issuesOf(manifest('method: GET\npath: /x\ncors: { allowOrigins: ["*"], allowCredentials: true }')),
      [
        {
          path: 'functions.orders.events.1.http.cors.allowCredentials',
          message:
            'allowCredentials needs allowOrigins to name the origins: browsers refuse credentials with *',
        },
      ],
    );
    assert.deepEqual(issuesOf(manifest('method: GET\npath: /x\nrateLimit: { rate: 0 }')), [
      {
        path: 'functions.orders.events.1.http.rateLimit.rate',
        message: 'expected more than 0 requests per second',
      },
    ]);
  });

  it('reports a wrong provider.httpAuth once, not once per route', () => {
    const issues = issuesOf(
      manifest('method: GET\npath: /x', 'provider:\n  httpAuth: { type: jwt, issuer: i, audience: a }'),
    );
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, 'provider.httpAuth');
  });
});
