import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { createTestPki, type TestPki, type TestPkiError } from './test-pki';

const WORKER_ID = 'spiffe://slo-engine.test/ns/workers/sa/convert-worker';

interface ServerSide {
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
  readonly subjectaltname: string | undefined;
}

/**
 * Starts a TLS server that asks for client certificates (verification left to the test, so a
 * rejected client is observable), connects once with `client` and reports both sides.
 */
async function handshake(
  serverOptions: tls.TlsOptions,
  clientOptions: tls.ConnectionOptions,
): Promise<{ server: ServerSide; clientAuthorized: boolean }> {
  let seen: (side: ServerSide) => void = () => undefined;
  const serverSide = new Promise<ServerSide>((resolve) => (seen = resolve));
  const server = tls.createServer(
    { ...serverOptions, requestCert: true, rejectUnauthorized: false },
    (socket) => {
      seen({
        authorized: socket.authorized,
        authorizationError: socket.authorizationError?.toString(),
        subjectaltname: socket.getPeerCertificate().subjectaltname,
      });
      socket.end();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const clientAuthorized = await new Promise<boolean>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ...clientOptions }, () => {
        resolve(socket.authorized);
        socket.end();
      });
      socket.on('error', reject);
    });
    return { server: await serverSide, clientAuthorized };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('createTestPki', () => {
  let pki: TestPki;

  beforeAll(() => {
    pki = createTestPki();
  });

  afterAll(() => pki.dispose());

  it('makes a client certificate node:tls accepts, exposing its SPIFFE ID as the URI SAN', async () => {
    const client = pki.issueClientCertificate(WORKER_ID);

    const { server, clientAuthorized } = await handshake(
      { key: pki.server.key, cert: pki.server.cert, ca: [pki.ca.cert] },
      { ca: [pki.ca.cert], cert: client.cert, key: client.key, servername: 'localhost' },
    );

    expect(clientAuthorized).toBe(true);
    expect(server).toEqual({
      authorized: true,
      authorizationError: undefined,
      subjectaltname: `URI:${WORKER_ID}`,
    });
  });

  it('issues a server certificate that verifies for 127.0.0.1 and localhost only', async () => {
    const client = pki.issueClientCertificate('spiffe://slo-engine.test/caller');
    const serverOptions = { key: pki.server.key, cert: pki.server.cert, ca: [pki.ca.cert] };
    const clientOptions = { ca: [pki.ca.cert], cert: client.cert, key: client.key };

    // No servername: node checks the IP SAN against the address connected to.
    await expect(handshake(serverOptions, clientOptions)).resolves.toMatchObject({
      clientAuthorized: true,
    });
    await expect(
      handshake(serverOptions, { ...clientOptions, servername: 'example.com' }),
    ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('gives a client of another PKI no trust', async () => {
    const other = createTestPki();
    try {
      const stranger = other.issueClientCertificate(WORKER_ID);

      const { server } = await handshake(
        { key: pki.server.key, cert: pki.server.cert, ca: [pki.ca.cert] },
        { ca: [pki.ca.cert], cert: stranger.cert, key: stranger.key, servername: 'localhost' },
      );

      expect(server.authorized).toBe(false);
      expect(server.authorizationError).toBeDefined();
    } finally {
      other.dispose();
    }
  });

  it('writes certificates with the intended usages, and the PEM files match the buffers', () => {
    const client = pki.issueClientCertificate(WORKER_ID);
    const ca = new X509Certificate(pki.ca.cert);
    const server = new X509Certificate(pki.server.cert);
    const leaf = new X509Certificate(client.cert);

    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(leaf.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(server.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
    expect(leaf.subjectAltName).toBe(`URI:${WORKER_ID}`);
    expect(leaf.serialNumber).not.toBe(server.serialNumber);
    expect(client.spiffeId).toBe(WORKER_ID);
    for (const pem of [pki.ca, pki.server, client]) {
      expect(readFileSync(pem.certPath)).toEqual(pem.cert);
      expect(readFileSync(pem.keyPath)).toEqual(pem.key);
      expect(pem.key.toString()).toContain('PRIVATE KEY');
    }
  });

  it('issues distinct certificates for repeated calls', () => {
    const first = pki.issueClientCertificate(WORKER_ID);
    const second = pki.issueClientCertificate(WORKER_ID);

    expect(first.certPath).not.toBe(second.certPath);
    expect(first.cert.equals(second.cert)).toBe(false);
  });

  it.each([
    ['another scheme', 'http://slo-engine.test/worker'],
    ['an upper-case trust domain', 'spiffe://Upper.Case/worker'],
    ['a trailing slash', 'spiffe://slo-engine.test/worker/'],
    ['a .. segment', 'spiffe://slo-engine.test/../worker'],
    ['a comma that would add a SAN', 'spiffe://slo-engine.test/a, DNS:evil.example'],
    [
      'a newline that would add a config line',
      'spiffe://slo-engine.test/a\nkeyUsage = keyCertSign',
    ],
    ['no trust domain', 'spiffe://'],
    ['more than 2048 bytes', `spiffe://slo-engine.test/${'a'.repeat(2048)}`],
  ])('refuses a SPIFFE ID with %s', (_problem, spiffeId) => {
    let error: unknown;
    try {
      pki.issueClientCertificate(spiffeId);
    } catch (caught) {
      error = caught;
    }
    expect((error as TestPkiError).code).toBe('TEST_PKI.INVALID_SPIFFE_ID');
  });

  it('names the openssl binary when it cannot be run', () => {
    const previous = process.env.OPENSSL;
    process.env.OPENSSL = '/nonexistent/openssl';
    try {
      let error: unknown;
      try {
        createTestPki();
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({
        code: 'TEST_PKI.OPENSSL_FAILED',
        message: expect.stringContaining('/nonexistent/openssl not found') as unknown,
      });
    } finally {
      if (previous === undefined) delete process.env.OPENSSL;
      else process.env.OPENSSL = previous;
    }
  });

  it('writes into a directory it is given and leaves that directory on dispose', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slo-test-pki-given-'));
    try {
      const given = createTestPki(dir);
      expect(given.dir).toBe(dir);
      expect(given.server.certPath).toBe(join(dir, 'server.crt'));

      given.dispose();

      expect(existsSync(given.server.certPath)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('removes the temporary directory it made on dispose', () => {
    const own = createTestPki();

    own.dispose();

    expect(existsSync(own.dir)).toBe(false);
  });
});
