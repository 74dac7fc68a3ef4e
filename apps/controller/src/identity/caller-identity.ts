import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type TLSSocket } from 'node:tls';
import { type FastifyRequest } from 'fastify';

/** The caller's identity as the controller knows it; `undefined` when identities are off. */
export interface Caller {
  readonly identity: string | undefined;
  /** Key that scopes idempotency records: the identity, or `anonymous`. */
  readonly scope: string;
}

export type IdentitySource = 'tls' | 'header' | 'none';

export const ANONYMOUS = 'anonymous';

/**
 * The SPIFFE id in a certificate's `subjectaltname` (`URI:spiffe://trust.domain/path, DNS:...`).
 * A SPIFFE SVID carries exactly one URI SAN; a certificate with several spiffe URIs is refused.
 */
export function spiffeIdOf(subjectAltName: string | undefined): string | undefined {
  if (!subjectAltName) return undefined;
  const uris = subjectAltName
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('URI:spiffe://'))
    .map((entry) => entry.slice('URI:'.length));
  return uris.length === 1 ? uris[0] : undefined;
}

/** Reads the caller's identity from the verified client certificate or the trusted header. */
export function resolveCaller(
  request: FastifyRequest,
  source: IdentitySource,
  headerName: string,
): Caller {
  let identity: string | undefined;
  if (source === 'tls') {
    const socket = request.raw.socket as Partial<TLSSocket>;
    // Only a certificate the TLS layer verified against TLS_CLIENT_CA_FILE counts.
    if (socket.authorized === true && typeof socket.getPeerCertificate === 'function')
      identity = spiffeIdOf(socket.getPeerCertificate().subjectaltname);
  } else if (source === 'header') {
    const value = request.headers[headerName.toLowerCase()];
    if (typeof value === 'string' && value.trim() !== '' && value.length <= 2048)
      identity = value.trim();
  }
  return { identity, scope: identity ?? ANONYMOUS };
}

const CALLER = Symbol('caller');

/** Route parameter: the {@link Caller} a Fastify hook attached to the request. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Caller => {
    const request = ctx.switchToHttp().getRequest<FastifyRequest & { [CALLER]?: Caller }>();
    return request[CALLER] ?? { identity: undefined, scope: ANONYMOUS };
  },
);

/** Attaches the caller to every request (one Fastify hook, before Nest's pipeline). */
export function attachCaller(request: FastifyRequest, caller: Caller): void {
  (request as FastifyRequest & { [CALLER]?: Caller })[CALLER] = caller;
}
