/**
 * The verifier against a JWKS served over real HTTP on loopback, with tokens signed by real keys:
 * every way a token must be refused (SEC-003), and the JWKS fetching (cache, rotation, outage).
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { CredentialErrorCodes, FixedClock } from '@slo-engine/core';
import type { CryptoKey, JWK, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
import {
  JoseAccessTokenVerifier,
  type JoseAccessTokenVerifierOptions,
} from './jose-access-token-verifier';

const NOW = new Date('2026-02-14T10:00:00.000Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const ISSUER = 'https://idp.example.com/realms/platform';
const AUDIENCE = 'slo-engine';

interface SigningKey {
  readonly alg: string;
  readonly kid: string | undefined;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

// jose is an ES module: this CommonJS test loads it like the verifier does, with import().
let jose: typeof JoseModule;

async function signingKey(alg: string, kid: string | undefined): Promise<SigningKey> {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await jose.exportJWK(publicKey)), alg, use: 'sig' };
  if (kid !== undefined) jwk.kid = kid;
  return { alg, kid, privateKey, publicKey, jwk };
}

/** A JWKS endpoint whose answer a test can change; counts its requests. */
class JwksServer {
  requests = 0;
  answer: { status: number; body: string } = { status: 200, body: '{"keys":[]}' };
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<JwksServer> {
    const holder: { jwks?: JwksServer } = {};
    const server = createServer((request, response) => {
      const self = holder.jwks;
      if (!self) return;
      self.requests += 1;
      if (request.url !== '/jwks') {
        response.writeHead(404).end();
        return;
      }
      response
        .writeHead(self.answer.status, { 'content-type': 'application/json' })
        .end(self.answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.jwks = new JwksServer(server, `http://127.0.0.1:${port}/jwks`);
    return holder.jwks;
  }

  serve(keys: readonly SigningKey[]): void {
    this.answer = { status: 200, body: JSON.stringify({ keys: keys.map((key) => key.jwk) }) };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const all: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-7f3a',
    iat: NOW_S - 60,
    exp: NOW_S + 300,
    email: 'alice@example.com',
    groups: ['payments', 'sre'],
    ...overrides,
  };
  // `undefined` in overrides leaves the claim out.
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

function sign(key: SigningKey, payload: JWTPayload = claims()): Promise<string> {
  return new jose.SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}) })
    .sign(key.privateKey);
}

let jwks: JwksServer;
let rsa: SigningKey;
let ec: SigningKey;
let stranger: SigningKey;

beforeAll(async () => {
  jose = await import('jose');
  [rsa, ec, stranger] = await Promise.all([
    signingKey('RS256', 'rsa-1'),
    signingKey('ES256', 'ec-1'),
    signingKey('RS256', 'not-served'),
  ]);
  jwks = await JwksServer.start();
});
afterAll(async () => jwks.close());
beforeEach(() => {
  jwks.serve([rsa, ec]);
  jwks.requests = 0;
});

function verifier(options: Partial<JoseAccessTokenVerifierOptions> = {}): JoseAccessTokenVerifier {
  return new JoseAccessTokenVerifier({
    jwksUrl: jwks.url,
    issuer: ISSUER,
    audience: AUDIENCE,
    clock: new FixedClock(NOW),
    ...options,
  });
}

function refusedBecause(reason: string): Record<string, unknown> {
  return { code: CredentialErrorCodes.INVALID_TOKEN, details: expect.objectContaining({ reason }) };
}

describe('JoseAccessTokenVerifier', () => {
  it('accepts a valid RS256 token and hands back its subject, issuer, expiry and claims', async () => {
    const verified = await verifier().verify(await sign(rsa));

    expect(verified).toEqual({
      subject: 'user-7f3a',
      issuer: ISSUER,
      expiresAt: new Date((NOW_S + 300) * 1000),
      claims: expect.objectContaining({
        email: 'alice@example.com',
        groups: ['payments', 'sre'],
      }) as unknown,
    });
  });

  it('accepts ES256 and a token whose audience list names this API', async () => {
    const token = await sign(ec, claims({ aud: ['account', AUDIENCE] }));
    await expect(verifier().verify(token)).resolves.toMatchObject({ subject: 'user-7f3a' });
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`;
    await expect(verifier().verify(token)).rejects.toMatchObject(refusedBecause('algorithm'));
  });

  it('refuses an HS256 token "signed" with the public key (algorithm confusion)', async () => {
    const publicPem = await jose.exportSPKI(rsa.publicKey);
    const token = await new jose.SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })
      .sign(new TextEncoder().encode(publicPem));

    await expect(verifier().verify(token)).rejects.toMatchObject(refusedBecause('algorithm'));
  });

  it('refuses an algorithm the deployment did not allow', async () => {
    await expect(verifier({ algorithms: ['RS256'] }).verify(await sign(ec))).rejects.toMatchObject(
      refusedBecause('algorithm'),
    );
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example.com' }],
    ['no issuer', { iss: undefined }],
  ])('refuses a token from %s', async (_label, overrides) => {
    await expect(verifier().verify(await sign(rsa, claims(overrides)))).rejects.toMatchObject(
      refusedBecause('issuer'),
    );
  });

  it.each([
    ['another audience', { aud: 'billing-api' }],
    ['no audience', { aud: undefined }],
  ])('refuses a token for %s', async (_label, overrides) => {
    await expect(verifier().verify(await sign(rsa, claims(overrides)))).rejects.toMatchObject(
      refusedBecause('audience'),
    );
  });

  it('refuses an expired token beyond the clock tolerance and accepts one within it', async () => {
    const expired = await sign(rsa, claims({ exp: NOW_S - 31 }));
    const withinTolerance = await sign(rsa, claims({ exp: NOW_S - 29 }));

    await expect(verifier().verify(expired)).rejects.toMatchObject(refusedBecause('expired'));
    await expect(verifier().verify(withinTolerance)).resolves.toMatchObject({
      subject: 'user-7f3a',
    });
    await expect(
      verifier({ clockToleranceSeconds: 0 }).verify(withinTolerance),
    ).rejects.toMatchObject(refusedBecause('expired'));
  });

  it('refuses a token without exp', async () => {
    await expect(
      verifier().verify(await sign(rsa, claims({ exp: undefined }))),
    ).rejects.toMatchObject(refusedBecause('missing_exp'));
  });

  it('refuses a token that is not valid yet', async () => {
    await expect(
      verifier().verify(await sign(rsa, claims({ nbf: NOW_S + 120 }))),
    ).rejects.toMatchObject(refusedBecause('not_yet_valid'));
  });

  it.each([
    ['no subject', { sub: undefined }],
    ['an empty subject', { sub: '' }],
    ['a numeric exp in a string', { exp: String(NOW_S + 300) }],
  ])('refuses a token with %s as malformed', async (_label, overrides) => {
    await expect(verifier().verify(await sign(rsa, claims(overrides)))).rejects.toMatchObject(
      refusedBecause('malformed'),
    );
  });

  it('refuses a token signed by a key the JWKS does not have', async () => {
    await expect(verifier().verify(await sign(stranger))).rejects.toMatchObject(
      refusedBecause('unknown_key'),
    );
  });

  it('refuses a token signed by another key under a served key id', async () => {
    const impostor = { ...stranger, kid: 'rsa-1' };
    await expect(verifier().verify(await sign(impostor))).rejects.toMatchObject(
      refusedBecause('signature'),
    );
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await sign(rsa)).split('.');
    const tampered = `${header}.${base64url(claims({ groups: ['sre_admin'] }))}.${signature}`;
    await expect(verifier().verify(tampered)).rejects.toMatchObject(refusedBecause('signature'));
  });

  it.each([
    ['an empty string', ''],
    ['one word', 'token'],
    ['three garbage parts', 'a.b.c'],
    ['a header that is not JSON', `${Buffer.from('{').toString('base64url')}.e30.sig`],
    ['an oversized token', `${'a'.repeat(20_000)}.b.c`],
  ])('refuses %s as malformed', async (_label, token) => {
    await expect(verifier().verify(token)).rejects.toMatchObject(refusedBecause('malformed'));
  });

  it('tries each candidate key for a token without kid', async () => {
    const first = await signingKey('RS256', undefined);
    const second = await signingKey('RS256', undefined);
    jwks.serve([first, second]);

    await expect(verifier().verify(await sign(second))).resolves.toMatchObject({
      subject: 'user-7f3a',
    });
    await expect(verifier().verify(await sign(stranger))).rejects.toMatchObject(
      refusedBecause('unknown_key'),
    );
  });

  it('fetches the JWKS once for many tokens', async () => {
    const shared = verifier();
    for (let i = 0; i < 5; i++) await shared.verify(await sign(i % 2 ? rsa : ec));
    expect(jwks.requests).toBe(1);
  });

  it('picks up a rotated key once the cooldown allows a refetch', async () => {
    const shared = verifier({ jwksCooldownMs: 0 });
    await shared.verify(await sign(rsa));
    const rotated = await signingKey('RS256', 'rsa-2');
    jwks.serve([rsa, rotated]);

    await expect(shared.verify(await sign(rotated))).resolves.toMatchObject({
      subject: 'user-7f3a',
    });
    expect(jwks.requests).toBe(2);
  });

  it('answers jwks_unavailable, with a retry hint, when the JWKS server is down', async () => {
    const down = await JwksServer.start();
    await down.close();

    await expect(verifier({ jwksUrl: down.url }).verify(await sign(rsa))).rejects.toMatchObject({
      code: CredentialErrorCodes.INVALID_TOKEN,
      details: expect.objectContaining({
        reason: 'jwks_unavailable',
        retryAfterSeconds: expect.any(Number) as unknown,
      }) as unknown,
    });
  });

  it.each([
    ['an error status', { status: 500, body: 'upstream error' }],
    ['a body that is not JSON', { status: 200, body: '<html>' }],
    ['JSON that is not a key set', { status: 200, body: '{"keys":"none"}' }],
  ])('answers jwks_unavailable when the JWKS server sends %s', async (_label, answer) => {
    jwks.answer = answer;
    await expect(verifier().verify(await sign(rsa))).rejects.toMatchObject(
      refusedBecause('jwks_unavailable'),
    );
  });

  it('checks the algorithm before fetching the JWKS', async () => {
    const token = `${base64url({ alg: 'none' })}.${base64url(claims())}.`;
    await expect(verifier().verify(token)).rejects.toMatchObject(refusedBecause('algorithm'));
    expect(jwks.requests).toBe(0);
  });
});

describe('JoseAccessTokenVerifier configuration', () => {
  const options = { issuer: ISSUER, audience: AUDIENCE };

  it.each([['none'], ['HS256'], ['HS512'], ['RSA-OAEP']])('refuses to allow %s', (algorithm) => {
    expect(
      () =>
        new JoseAccessTokenVerifier({
          ...options,
          jwksUrl: 'https://idp.example.com/jwks',
          algorithms: [algorithm],
        }),
    ).toThrow('not allowed');
  });

  it('refuses a JWKS URL over plain http except on loopback', () => {
    expect(
      () => new JoseAccessTokenVerifier({ ...options, jwksUrl: 'http://idp.example.com/jwks' }),
    ).toThrow('https');
    expect(
      () => new JoseAccessTokenVerifier({ ...options, jwksUrl: 'http://localhost:8080/jwks' }),
    ).not.toThrow();
  });

  it.each([
    ['no issuer', { issuer: [] as string[] }],
    ['an empty audience', { audience: '' }],
    ['no algorithm', { algorithms: [] as string[] }],
    ['a negative tolerance', { clockToleranceSeconds: -1 }],
  ])('refuses %s', (_label, change) => {
    expect(
      () =>
        new JoseAccessTokenVerifier({
          ...options,
          jwksUrl: 'https://idp.example.com/jwks',
          ...change,
        }),
    ).toThrow();
  });
});
