/**
 * A throw-away PKI for mTLS tests: a CA, a server certificate for localhost / 127.0.0.1 / ::1, and
 * client certificates carrying a SPIFFE ID as their URI SAN (an X.509-SVID's shape), which is how
 * the controller identifies callers and workers (`CONTROLLER_IDENTITY_SOURCE=tls`).
 *
 * Made with the `openssl` command-line tool (`OPENSSL` overrides the binary) rather than a
 * JavaScript library: Node cannot create certificates itself, the tool is on every CI image, and
 * no dependency is added for tests. Keys are EC P-256 (fast to generate); certificates are valid
 * for 7 days from now, so the files are not for long-lived fixtures.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type TestPkiErrorCode = 'TEST_PKI.OPENSSL_FAILED' | 'TEST_PKI.INVALID_SPIFFE_ID';

export class TestPkiError extends Error {
  constructor(
    readonly code: TestPkiErrorCode,
    message: string,
  ) {
    super(`@slo-engine/testing: ${message}`);
    this.name = 'TestPkiError';
  }
}

/** A certificate and its private key, as PEM bytes (for `tls` options) and as files (for config). */
export interface PemPair {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface TestClientCertificate extends PemPair {
  readonly spiffeId: string;
}

export interface TestPki {
  readonly dir: string;
  /** The CA; its key signs every certificate here. Trust `ca.cert` on both sides. */
  readonly ca: PemPair;
  /** Server certificate: DNS localhost, IP 127.0.0.1 and ::1; extended key usage serverAuth. */
  readonly server: PemPair;
  /** A new client certificate (clientAuth) whose only SAN is `URI:<spiffeId>`. */
  issueClientCertificate(spiffeId: string): TestClientCertificate;
  /** Removes the directory if `createTestPki` made it; a directory passed in is left alone. */
  dispose(): void;
}

const VALIDITY_DAYS = '7';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * SPIFFE ID syntax (SPIFFE spec §2): lower-case trust domain of letters, digits, `.`, `-`, `_`,
 * then path segments of letters, digits, `.`, `-`, `_`, none of them `.` or `..`, no trailing
 * `/`. Checking it also keeps anything that would mean something to openssl's config (`,`, `\n`)
 * out of the SAN line.
 */
const SPIFFE_ID = /^spiffe:\/\/[a-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const MAX_SPIFFE_ID_LENGTH = 2048;

function spiffeIdProblem(spiffeId: unknown): string | undefined {
  if (typeof spiffeId !== 'string') return 'must be a string';
  if (spiffeId.length > MAX_SPIFFE_ID_LENGTH) return `is longer than ${MAX_SPIFFE_ID_LENGTH} bytes`;
  if (!SPIFFE_ID.test(spiffeId)) {
    return 'must look like spiffe://trust-domain/path (lower-case trust domain; segments of A-Z a-z 0-9 . - _)';
  }
  if (
    spiffeId
      .split('/')
      .slice(3)
      .some((segment) => segment === '.' || segment === '..')
  ) {
    return 'may not have . or .. path segments';
  }
  return undefined;
}

function openssl(args: readonly string[], cwd: string): void {
  const binary = process.env.OPENSSL ?? 'openssl';
  try {
    execFileSync(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    const reason =
      (error as { code?: unknown }).code === 'ENOENT'
        ? `${binary} not found: install OpenSSL or set OPENSSL to its path`
        : `${binary} ${args[0]} failed: ${stderr || (error instanceof Error ? error.message : String(error))}`;
    throw new TestPkiError('TEST_PKI.OPENSSL_FAILED', reason);
  }
}

/** A positive serial number: unique per certificate, so clients never see two with one serial. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return `0x${bytes.toString('hex')}`;
}

function pair(dir: string, name: string): PemPair {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return { cert: readFileSync(certPath), key: readFileSync(keyPath), certPath, keyPath };
}

/** Key, CSR and a CA-signed certificate with the given extensions. */
function issue(
  dir: string,
  name: string,
  commonName: string,
  extensions: readonly string[],
): PemPair {
  writeFileSync(
    join(dir, `${name}.req.cnf`),
    ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${commonName}`, ''].join(
      '\n',
    ),
  );
  writeFileSync(join(dir, `${name}.ext.cnf`), ['[v3]', ...extensions, ''].join('\n'));
  openssl(
    [
      'req',
      '-new',
      '-config',
      `${name}.req.cnf`,
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      randomSerial(),
      '-days',
      VALIDITY_DAYS,
      '-extfile',
      `${name}.ext.cnf`,
      '-extensions',
      'v3',
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
  return pair(dir, name);
}

/**
 * Creates the CA and the server certificate in `dir` (a new temporary directory by default).
 * Synchronous: a handful of `openssl` runs, about a tenth of a second; call it in `beforeAll`.
 */
export function createTestPki(dir?: string): TestPki {
  const ownsDir = dir === undefined;
  const root = ownsDir ? mkdtempSync(join(tmpdir(), 'slo-test-pki-')) : resolve(dir);
  mkdirSync(root, { recursive: true });
  try {
    // Our own config, so the system's openssl.cnf (which differs between distributions) adds
    // no extensions of its own.
    writeFileSync(
      join(root, 'ca.cnf'),
      [
        '[req]',
        'distinguished_name = dn',
        'prompt = no',
        'x509_extensions = v3_ca',
        '[dn]',
        'CN = SLO Engine test CA',
        '[v3_ca]',
        'basicConstraints = critical, CA:TRUE',
        'keyUsage = critical, keyCertSign, cRLSign',
        'subjectKeyIdentifier = hash',
        '',
      ].join('\n'),
    );
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-config',
        'ca.cnf',
        ...EC_KEY,
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-days',
        VALIDITY_DAYS,
      ],
      root,
    );
    const ca = pair(root, 'ca');
    const leaf = [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'authorityKeyIdentifier = keyid',
      'subjectKeyIdentifier = hash',
    ];
    const server = issue(root, 'server', 'localhost', [
      ...leaf,
      'extendedKeyUsage = serverAuth',
      'subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1',
    ]);
    let clients = 0;
    return {
      dir: root,
      ca,
      server,
      issueClientCertificate(spiffeId: string): TestClientCertificate {
        const problem = spiffeIdProblem(spiffeId);
        if (problem !== undefined) {
          throw new TestPkiError(
            'TEST_PKI.INVALID_SPIFFE_ID',
            `SPIFFE ID ${JSON.stringify(spiffeId)} ${problem}`,
          );
        }
        clients++;
        const client = issue(root, `client-${clients}`, 'SLO Engine test client', [
          ...leaf,
          'extendedKeyUsage = clientAuth',
          `subjectAltName = URI:${spiffeId}`,
        ]);
        return { ...client, spiffeId };
      },
      dispose(): void {
        if (ownsDir) rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (ownsDir) rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
