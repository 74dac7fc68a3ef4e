/**
 * A local OpenID provider for tests: an RSA signing key, its JWKS served over HTTP on loopback, and
 * a `sign` that issues access tokens the way Keycloak or Okta would. Tests of bearer-token
 * authentication verify real signatures fetched over HTTP, never a mocked verifier.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
// jose is ESM-only: types resolve as an import, the code loads through import().
import type { JWK } from 'jose' with { 'resolution-mode': 'import' };

export interface LocalIdentityProvider {
  /** `http://127.0.0.1:<port>/.well-known/jwks.json` */
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /**
   * A signed RS256 token with `iss`, `aud`, `iat` and (unless `expiresInSeconds` is null) `exp`;
   * `claims` add to or override them (e.g. `{ sub, email, roles, groups }`).
   */
  sign(claims: Readonly<Record<string, unknown>>, options?: SignOptions): Promise<string>;
  /** Stops serving the JWKS (tests of an unreachable identity provider). */
  close(): Promise<void>;
}

export interface SignOptions {
  /** Default 300 s; null leaves `exp` out. Negative values give an expired token. */
  readonly expiresInSeconds?: number | null;
  readonly issuer?: string;
  readonly audience?: string;
}

export async function startLocalIdentityProvider(
  options: { readonly issuer?: string; readonly audience?: string } = {},
): Promise<LocalIdentityProvider> {
  const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'test-key-1';
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const body = JSON.stringify({ keys: [jwk] });
  const server: Server = createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = options.issuer ?? `http://127.0.0.1:${port}/realms/test`;
  const audience = options.audience ?? 'slo-engine';

  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    audience,
    async sign(claims, signOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      const expiresIn =
        signOptions.expiresInSeconds === undefined ? 300 : signOptions.expiresInSeconds;
      const payload: Record<string, unknown> = {
        iss: signOptions.issuer ?? issuer,
        aud: signOptions.audience ?? audience,
        iat: now,
        ...(expiresIn === null ? {} : { exp: now + expiresIn }),
        ...claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
