import { createWorkerUrlPolicy } from '@slo-engine/registry';
import { DnsWorkerUrlGuard } from './dns-worker-url-guard';
import { systemHostLookup, type HostLookup } from './host-lookup';

/** A resolver with a fixed table that records what it was asked. */
function tableLookup(table: Record<string, readonly string[]>) {
  const asked: string[] = [];
  const lookup: HostLookup = (hostname) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined)
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      );
    return Promise.resolve(addresses);
  };
  return { lookup, asked };
}

describe('DnsWorkerUrlGuard', () => {
  it('accepts a name whose addresses are all public, with every address', async () => {
    const { lookup, asked } = tableLookup({ 'worker.example': ['8.8.8.8', '2606:4700::1111'] });
    const guard = new DnsWorkerUrlGuard({ lookup });
    await expect(guard.check('https://Worker.Example:8443/base')).resolves.toEqual({
      ok: true,
      url: 'https://worker.example:8443/base',
      addresses: ['8.8.8.8', '2606:4700::1111'],
    });
    expect(asked).toEqual(['worker.example']);
  });

  it('refuses a name when any one of its addresses is forbidden', async () => {
    const { lookup } = tableLookup({ 'mixed.example': ['8.8.8.8', '169.254.169.254'] });
    await expect(
      new DnsWorkerUrlGuard({ lookup }).check('https://mixed.example/'),
    ).resolves.toEqual({
      ok: false,
      reason: 'forbidden_address',
      detail: 'mixed.example: 169.254.169.254 is metadata, which no allow-list opens',
    });
  });

  it('accepts private addresses that the policy allow-lists', async () => {
    const { lookup } = tableLookup({ 'worker.svc': ['10.1.2.3', '::ffff:10.1.2.4'] });
    const policy = createWorkerUrlPolicy({ allowedCidrs: ['10.0.0.0/8'] });
    await expect(
      new DnsWorkerUrlGuard({ lookup }).check('https://worker.svc/'),
    ).resolves.toMatchObject({
      ok: false,
      reason: 'forbidden_address',
    });
    await expect(
      new DnsWorkerUrlGuard({ lookup, policy }).check('https://worker.svc/'),
    ).resolves.toEqual({
      ok: true,
      url: 'https://worker.svc/',
      addresses: ['10.1.2.3', '::ffff:10.1.2.4'],
    });
  });

  it('judges an IP-literal host without resolving anything', async () => {
    const { lookup, asked } = tableLookup({});
    const guard = new DnsWorkerUrlGuard({ lookup });
    await expect(guard.check('https://8.8.8.8/')).resolves.toEqual({
      ok: true,
      url: 'https://8.8.8.8/',
      addresses: ['8.8.8.8'],
    });
    await expect(guard.check('https://2130706433/')).resolves.toMatchObject({
      ok: false,
      reason: 'forbidden_address',
    });
    expect(asked).toEqual([]);
  });

  it.each([
    ['http://worker.example/', 'scheme_not_allowed'],
    ['https://user:pw@worker.example/', 'credentials_in_url'],
    ['https://worker.example/#frag', 'invalid_url'],
    ['https://localhost/', 'forbidden_address'],
  ])('refuses %s before any lookup (%s)', async (url, reason) => {
    const { lookup, asked } = tableLookup({ 'worker.example': ['8.8.8.8'] });
    await expect(new DnsWorkerUrlGuard({ lookup }).check(url)).resolves.toMatchObject({
      ok: false,
      reason,
    });
    expect(asked).toEqual([]);
  });

  it('calls a name that does not resolve, or resolves to nothing, unresolvable', async () => {
    const { lookup } = tableLookup({ 'empty.example': [] });
    const guard = new DnsWorkerUrlGuard({ lookup });
    await expect(guard.check('https://missing.example/')).resolves.toEqual({
      ok: false,
      reason: 'unresolvable_host',
      detail: 'missing.example did not resolve: ENOTFOUND',
    });
    await expect(guard.check('https://empty.example/')).resolves.toEqual({
      ok: false,
      reason: 'unresolvable_host',
      detail: 'empty.example: the host resolved to no address',
    });
  });

  describe('with a resolver that never answers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('gives up after resolutionTimeoutMs and calls the host unresolvable', async () => {
      const hanging: HostLookup = () => new Promise(() => undefined);
      const guard = new DnsWorkerUrlGuard({ lookup: hanging, resolutionTimeoutMs: 500 });
      let verdict: unknown;
      void guard.check('https://slow.example/').then((v) => (verdict = v));
      await jest.advanceTimersByTimeAsync(499);
      expect(verdict).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(verdict).toEqual({
        ok: false,
        reason: 'unresolvable_host',
        detail: 'slow.example did not resolve within 500 ms',
      });
    });

    it('leaves no timer behind when the resolver answers first', async () => {
      const { lookup } = tableLookup({ 'worker.example': ['8.8.8.8'] });
      await new DnsWorkerUrlGuard({ lookup, resolutionTimeoutMs: 500 }).check(
        'https://worker.example/',
      );
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  it.each([0, -1, Number.NaN])('refuses resolutionTimeoutMs %p', (resolutionTimeoutMs) => {
    expect(() => new DnsWorkerUrlGuard({ resolutionTimeoutMs })).toThrow('resolutionTimeoutMs');
  });

  it('resolves through the system resolver by default (localhost is in every hosts file)', async () => {
    const addresses = await systemHostLookup('localhost');
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.every((a) => a === '::1' || a.startsWith('127.'))).toBe(true);
  });
});
