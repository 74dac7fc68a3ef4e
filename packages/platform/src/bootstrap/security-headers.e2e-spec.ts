/**
 * Transport security (SEC-001): with TLS_CERT_FILE/TLS_KEY_FILE the app serves HTTPS with TLS 1.3
 * only and sends HSTS; every answer carries the security headers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, ready } from '../__fixtures__/test-app';
import { tlsOptionsOf } from './create-fastify-app';

/** A self-signed certificate for 127.0.0.1, made with the openssl command line. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

describe('security headers over plain HTTP', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await ready(await createTestApp());
  });
  afterAll(() => app.close());

  it('sends the hardening headers, a strict CSP on JSON, and no HSTS without TLS', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/services/web/dependencies' });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('the TLS listener', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slo-tls-'));
    const { cert, key } = selfSignedCertificate(dir);
    app = await createTestApp({ tls: { certFile: cert, keyFile: key } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS over TLS 1.3 with HSTS', async () => {
    const answer = await new Promise<{ status: number; hsts: unknown; protocol: string | null }>(
      (resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/api/v1/health', rejectUnauthorized: false },
          (res) => {
            res.resume();
            const socket = res.socket as TLSSocket;
            resolve({
              status: res.statusCode ?? 0,
              hsts: res.headers['strict-transport-security'],
              protocol: socket.getProtocol(),
            });
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(answer).toEqual({
      status: 200,
      hsts: 'max-age=31536000; includeSubDomains',
      protocol: 'TLSv1.3',
    });
  });

  it('refuses a TLS 1.2 handshake', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        maxVersion: 'TLSv1.2',
        rejectUnauthorized: false,
      });
      socket.on('secureConnect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });
});

describe('tlsOptionsOf', () => {
  it('refuses half a certificate pair', () => {
    expect(() => tlsOptionsOf({ BODY_LIMIT_BYTES: 1024, TLS_CERT_FILE: '/etc/cert.pem' })).toThrow(
      'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
    );
    expect(tlsOptionsOf({ BODY_LIMIT_BYTES: 1024 })).toBeNull();
  });
});
