import fc from 'fast-check';
import { spiffeIdOf } from './caller-identity';

const segment = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
const spiffeId = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/),
    fc.array(segment, { minLength: 1, maxLength: 4 }),
  )
  .map(([domain, path]) => `spiffe://${domain}/${path.join('/')}`);
const otherEntry = fc.oneof(
  fc.domain().map((d) => `DNS:${d}`),
  fc.ipV4().map((ip) => `IP Address:${ip}`),
  fc.webUrl().map((u) => `URI:${u}`),
);

/** `subjectaltname` strings as Node's `getPeerCertificate()` prints them. */
describe('spiffeIdOf', () => {
  it('returns the SPIFFE id of a certificate with one spiffe URI SAN', () => {
    expect(spiffeIdOf('URI:spiffe://slo.test/worker/alpha')).toBe('spiffe://slo.test/worker/alpha');
  });

  it('finds it among DNS, IP and non-SPIFFE URI entries', () => {
    expect(
      spiffeIdOf(
        'DNS:alpha.internal, URI:https://alpha.internal/, IP Address:10.0.0.7, URI:spiffe://slo.test/worker/alpha',
      ),
    ).toBe('spiffe://slo.test/worker/alpha');
  });

  it('refuses a certificate with several spiffe URI SANs (an SVID has exactly one)', () => {
    expect(
      spiffeIdOf('URI:spiffe://slo.test/worker/alpha, URI:spiffe://slo.test/worker/beta'),
    ).toBeUndefined();
    // Even the same id twice: the certificate is not an SVID.
    expect(spiffeIdOf('URI:spiffe://slo.test/a, URI:spiffe://slo.test/a')).toBeUndefined();
  });

  it('has no identity without a subject alternative name', () => {
    expect(spiffeIdOf(undefined)).toBeUndefined();
    expect(spiffeIdOf('')).toBeUndefined();
  });

  it('has no identity with DNS names only', () => {
    expect(spiffeIdOf('DNS:localhost, DNS:alpha.internal')).toBeUndefined();
    expect(spiffeIdOf('DNS:spiffe://slo.test/worker/alpha')).toBeUndefined();
  });

  it('ignores a non-SPIFFE URI and a scheme that only looks alike', () => {
    expect(spiffeIdOf('URI:https://slo.test/worker/alpha')).toBeUndefined();
    expect(spiffeIdOf('URI:SPIFFE://slo.test/worker/alpha')).toBeUndefined();
  });

  it('cannot be injected through a URI that contains commas', () => {
    // What Node prints for a certificate whose single URI SAN is
    // "spiffe://x, URI:spiffe://slo.test/worker/alpha, DNS:foo" (quoted, commas escaped):
    // the embedded entry must not become the identity.
    const printed =
      'URI:"spiffe://x\\u002c URI:spiffe://slo.test/worker/alpha\\u002c DNS:foo", DNS:ok.example';
    expect(spiffeIdOf(printed)).toBeUndefined();
  });

  it('finds the one SPIFFE id wherever it sits among other entries, and none when there are two (property)', () => {
    fc.assert(
      fc.property(
        spiffeId,
        spiffeId,
        fc.array(otherEntry, { maxLength: 5 }),
        fc.nat(),
        (id, second, others, at) => {
          const entries = [...others];
          entries.splice(at % (entries.length + 1), 0, `URI:${id}`);
          expect(spiffeIdOf(entries.join(', '))).toBe(id);
          entries.splice(at % (entries.length + 1), 0, `URI:${second}`);
          expect(spiffeIdOf(entries.join(', '))).toBeUndefined();
        },
      ),
    );
  });
});
