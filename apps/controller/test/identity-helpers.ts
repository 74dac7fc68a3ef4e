/**
 * Helpers of the identity end-to-end tests: a controller LISTENING with mutual TLS on the test
 * PKI (client certificates are the callers' SPIFFE identities), and an HTTPS client that presents
 * a given certificate on a fresh connection per request, so no socket (and no identity) is
 * shared between two callers.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type PemPair, type TestPki } from '@slo-engine/testing';
import {
  type ControllerOptions,
  type RunningController,
  startController,
} from './controller-fixture';

export interface MtlsController {
  readonly controller: RunningController;
  /** `https://127.0.0.1:<port>`. */
  readonly origin: string;
}

/**
 * A controller serving HTTPS on 127.0.0.1 with the PKI's server certificate and asking every
 * client for a certificate signed by the PKI's CA. `env` adds to (or overrides) the TLS settings.
 */
export async function startMtlsController(
  pki: TestPki,
  env: Readonly<Record<string, string>> = {},
  options: Omit<ControllerOptions, 'env'> = {},
): Promise<MtlsController> {
  const controller = await startController({
    ...options,
    env: {
      TLS_CERT_FILE: pki.server.certPath,
      TLS_KEY_FILE: pki.server.keyPath,
      TLS_CLIENT_CA_FILE: pki.ca.certPath,
      ...env,
    },
  });
  try {
    await controller.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await controller.close();
    throw error;
  }
  const { port } = controller.app.getHttpServer().address() as AddressInfo;
  return { controller, origin: `https://127.0.0.1:${port}` };
}

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body, or the raw text when it is not JSON (`undefined` when empty). */
  readonly body: unknown;
}

export interface HttpsCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** The client certificate to present; none when omitted. */
  readonly client?: Pick<PemPair, 'cert' | 'key'>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One HTTPS request trusting only the PKI's CA (so the server certificate is really verified).
 * Rejects with the socket error when the TLS handshake or the connection fails.
 */
export function callHttps(origin: string, pki: TestPki, call: HttpsCall): Promise<HttpsAnswer> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  return new Promise<HttpsAnswer>((resolve, reject) => {
    const req = httpsRequest(
      new URL(call.path, origin),
      {
        method: call.method,
        ca: pki.ca.cert,
        ...(call.client === undefined ? {} : { cert: call.client.cert, key: call.client.key }),
        // A fresh connection per call: a pooled socket would carry an earlier caller's certificate.
        agent: false,
        headers: {
          ...(payload === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }),
          ...call.headers,
        },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (raw += chunk));
        res.on('error', reject);
        res.on('end', () => {
          let body: unknown = raw === '' ? undefined : raw;
          try {
            if (raw !== '') body = JSON.parse(raw) as unknown;
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Calls bound to one controller, one PKI and one client certificate (or none). */
export interface HttpsCaller {
  get(path: string): Promise<HttpsAnswer>;
  post(path: string, body?: unknown): Promise<HttpsAnswer>;
  put(path: string, body?: unknown): Promise<HttpsAnswer>;
}

export function httpsCaller(
  origin: string,
  pki: TestPki,
  client?: Pick<PemPair, 'cert' | 'key'>,
): HttpsCaller {
  const call = (method: HttpsCall['method'], path: string, body?: unknown) =>
    callHttps(origin, pki, {
      method,
      path,
      ...(body === undefined ? {} : { body }),
      ...(client === undefined ? {} : { client }),
    });
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
  };
}

/**
 * How the server answered a TLS handshake: accepted, or refused with the alert the client saw, or
 * `CLOSED_WITHOUT_ALERT` when the server hung up (Node's TLS server checks a presented chain
 * after OpenSSL's handshake and destroys a socket it cannot verify, sending no alert).
 */
export type HandshakeOutcome =
  { readonly accepted: true } | { readonly accepted: false; readonly code: string };

/**
 * A bare TLS 1.3 handshake with the controller, sending no request. In TLS 1.3 the client
 * finishes its side before the server has checked the client certificate, so an HTTP request
 * races the server's alert (the client sees the alert or a reset). Sending nothing and waiting
 * makes the verdict deterministic: the server either sends session tickets (which it does only
 * after accepting the client's certificate) or an alert.
 */
export function tlsHandshake(
  origin: string,
  pki: TestPki,
  client?: Pick<PemPair, 'cert' | 'key'>,
): Promise<HandshakeOutcome> {
  const { hostname, port } = new URL(origin);
  return new Promise<HandshakeOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: HandshakeOutcome) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(outcome);
    };
    const socket = tlsConnect({
      host: hostname,
      port: Number(port),
      ca: pki.ca.cert,
      ...(client === undefined ? {} : { cert: client.cert, key: client.key }),
    });
    socket.on('session', () => settle({ accepted: true }));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      settle({ accepted: false, code: error.code ?? error.message }),
    );
    socket.on('close', () => settle({ accepted: false, code: 'CLOSED_WITHOUT_ALERT' }));
  });
}

/**
 * A client certificate signed by the PKI's CA with the given raw subjectAltName entries, written
 * as an openssl `[alt]` section (`URI.1 = ...`) so a value may hold commas. For certificates
 * `issueClientCertificate` refuses to make: several SPIFFE URIs, or a URI crafted to look like
 * several entries once printed.
 */
export function issueCraftedClientCertificate(
  pki: TestPki,
  name: string,
  altNames: readonly string[],
): Pick<PemPair, 'cert' | 'key'> {
  const file = (ext: string) => join(pki.dir, `${name}.${ext}`);
  writeFileSync(
    file('req.cnf'),
    ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${name}`, ''].join('\n'),
  );
  writeFileSync(
    file('ext.cnf'),
    [
      '[v3]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = clientAuth',
      'subjectAltName = @alt',
      '[alt]',
      ...altNames,
      '',
    ].join('\n'),
  );
  const openssl = (args: string[]) =>
    execFileSync(process.env.OPENSSL ?? 'openssl', args, { cwd: pki.dir, stdio: 'pipe' });
  openssl([
    'req',
    '-new',
    '-config',
    file('req.cnf'),
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    file('key'),
    '-out',
    file('csr'),
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    file('csr'),
    '-CA',
    pki.ca.certPath,
    '-CAkey',
    pki.ca.keyPath,
    '-set_serial',
    `0x${randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1')}`,
    '-days',
    '1',
    '-extfile',
    file('ext.cnf'),
    '-extensions',
    'v3',
    '-out',
    file('crt'),
  ]);
  return { cert: readFileSync(file('crt')), key: readFileSync(file('key')) };
}
