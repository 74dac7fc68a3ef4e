import fc from 'fast-check';
import { RegistryError } from './errors';
import {
  DEFAULT_WORKER_URL_POLICY,
  MAX_WORKER_URL_LENGTH,
  NEVER_ALLOWED_ADDRESS_CLASSES,
  checkResolvedAddresses,
  checkWorkerUrlSyntax,
  cidrContains,
  classifyAddress,
  createWorkerUrlPolicy,
  evaluateAddress,
  formatIpAddress,
  parseCidr,
  parseIpAddress,
  type AddressClass,
  type IpAddress,
} from './worker-url';

const v4 = (value: number): IpAddress => ({ family: 4, value: BigInt(value >>> 0) });
const dotted = (value: number): string => formatIpAddress(v4(value));
const arbV4 = fc.integer({ min: 0, max: 0xffff_ffff });
const arbV6 = fc
  .bigInt({ min: 0n, max: (1n << 128n) - 1n })
  .map((value): IpAddress => ({ family: 6, value }));
/** An address inside a block, from a random offset. */
const inBlock = (cidr: string) => {
  const block = parseCidr(cidr);
  const size = 1n << BigInt((block.family === 4 ? 32 : 128) - block.prefixLength);
  return fc
    .bigInt({ min: 0n, max: size - 1n })
    .map((offset): IpAddress => ({ family: block.family, value: block.base + offset }));
};
const http = createWorkerUrlPolicy({ allowedSchemes: ['http', 'https'] });
const loopbackAllowed = createWorkerUrlPolicy({
  allowedSchemes: ['http', 'https'],
  allowedCidrs: ['127.0.0.0/8'],
});

describe('parseIpAddress / formatIpAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7F000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['10.1.256', '10.1.1.0'],
    ['0', '0.0.0.0'],
    ['0x', '0.0.0.0'],
    ['127.0.0.1.', '127.0.0.1'],
    ['010.0.0.1', '8.0.0.1'],
    ['::', '::'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['::FFFF:127.0.0.1', '::ffff:127.0.0.1'],
    ['::ffff:7f00:1', '::ffff:127.0.0.1'],
    ['64:ff9b::10.0.0.1', '64:ff9b::a00:1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['1::', '1::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ])('%s is %s', (text, canonical) => {
    const parsed = parseIpAddress(text);
    expect(parsed).not.toBeNull();
    expect(formatIpAddress(parsed!)).toBe(canonical);
  });

  it.each([
    '',
    'example.com',
    '256.0.0.1',
    '1.2.3.4.5',
    '08.0.0.1',
    '4294967296',
    '0x100000000',
    '1.2.3.-1',
    '1..2',
    ':::',
    '1::2::3',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    'g::1',
    '::ffff:127.0.0.01',
    '::1.2.3',
    'fe80::1%',
    `1.${'0'.repeat(100)}`,
  ])('%j is not an address', (text) => {
    expect(parseIpAddress(text)).toBeNull();
    expect(classifyAddress(text)).toBeNull();
  });

  it('formats then parses back to the same IPv6 address', () => {
    fc.assert(
      fc.property(arbV6, (ip) => {
        expect(parseIpAddress(formatIpAddress(ip))).toEqual(ip);
      }),
    );
  });

  it('reads decimal, hex and octal forms of an IPv4 address as that address', () => {
    fc.assert(
      fc.property(arbV4, (n) => {
        const expected = v4(n);
        expect(parseIpAddress(String(n))).toEqual(expected);
        expect(parseIpAddress(`0x${n.toString(16)}`)).toEqual(expected);
        expect(parseIpAddress(`0${n.toString(8)}`)).toEqual(expected);
        const [a, b, c, d] = dotted(n).split('.').map(Number) as [number, number, number, number];
        expect(parseIpAddress(`0x${a.toString(16)}.0${b.toString(8)}.${(c << 8) | d}`)).toEqual(
          expected,
        );
      }),
    );
  });
});

describe('classifyAddress', () => {
  it.each<[string, AddressClass]>([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['100.64.0.1', 'carrier_grade_nat'],
    ['100.127.255.255', 'carrier_grade_nat'],
    ['100.128.0.0', 'public'],
    ['100.100.100.200', 'metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.0.1', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['169.254.170.23', 'metadata'],
    ['172.15.255.255', 'public'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.0.192', 'metadata'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['2130706433', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['0xa9.0xfe.0xa9.0xfe', 'metadata'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:a00:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'metadata'],
    ['2002:808:808::1', 'public'],
    ['100::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['2001:2::1', 'benchmarking'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['fd00:ec2::254', 'metadata'],
    ['fd00:ec2::23', 'metadata'],
    ['fd00:ec2::255', 'unique_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'reserved'],
    ['ff02::1', 'multicast'],
    ['1::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('classifies an IPv4-mapped IPv6 address like its IPv4 address', () => {
    fc.assert(
      fc.property(arbV4, (n) => {
        const mapped: IpAddress = { family: 6, value: (0xffffn << 32n) | BigInt(n) };
        expect(classifyAddress(mapped)).toBe(classifyAddress(v4(n)));
        expect(evaluateAddress(mapped, DEFAULT_WORKER_URL_POLICY).allowed).toBe(
          evaluateAddress(v4(n), DEFAULT_WORKER_URL_POLICY).allowed,
        );
      }),
    );
  });

  it('never calls NAT64 or 6to4 forms of a non-public IPv4 address public', () => {
    fc.assert(
      fc.property(arbV4, (n) => {
        const inner = classifyAddress(v4(n));
        const nat64: IpAddress = { family: 6, value: (0x64ff9bn << 96n) | BigInt(n) };
        const sixToFour: IpAddress = {
          family: 6,
          value: (0x2002n << 112n) | (BigInt(n) << 80n) | 1n,
        };
        expect(classifyAddress(nat64)).toBe(inner);
        expect(classifyAddress(sixToFour)).toBe(inner);
      }),
    );
  });

  it('puts every address of 10.0.0.0/8 in private', () => {
    fc.assert(
      fc.property(inBlock('10.0.0.0/8'), (ip) => {
        expect(classifyAddress(ip)).toBe('private');
        expect(evaluateAddress(ip, DEFAULT_WORKER_URL_POLICY).allowed).toBe(false);
      }),
    );
  });
});

describe('parseCidr / cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['127.0.0.1', '127.0.0.1/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['fd00::/8', 'fd00::/8'],
    ['::1', '::1/128'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
  ])('%s parses as %s', (text, canonical) => {
    expect(parseCidr(text).text).toBe(canonical);
  });

  it.each([
    ['10.1.2.3/8', 'did you mean 10.0.0.0/8'],
    ['10.0.0.0/33', 'prefix length'],
    ['10.0.0.0/', 'prefix length'],
    ['10.0.0.0/08', 'prefix length'],
    ['::/129', 'prefix length'],
    ['0x0a.0.0.0/8', 'not an IP address'],
    ['10/8', 'not an IP address'],
    ['example.com/8', 'not an IP address'],
  ])('refuses %s', (text, message) => {
    expect(() => parseCidr(text)).toThrow(message);
    try {
      parseCidr(text);
    } catch (error) {
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as RegistryError).code).toBe('REGISTRY.INVALID_OPTION');
    }
  });

  it('contains exactly the addresses between its first and last address', () => {
    fc.assert(
      fc.property(arbV4, fc.integer({ min: 0, max: 32 }), arbV4, (baseSeed, prefix, n) => {
        const hostBits = BigInt(32 - prefix);
        const base = (BigInt(baseSeed) >> hostBits) << hostBits;
        const cidr = parseCidr(`${formatIpAddress({ family: 4, value: base })}/${prefix}`);
        const last = base + (1n << hostBits) - 1n;
        const value = BigInt(n);
        expect(cidrContains(cidr, v4(n))).toBe(value >= base && value <= last);
      }),
    );
  });

  it('matches IPv4-mapped addresses against IPv4 blocks and never across families otherwise', () => {
    const block = parseCidr('10.0.0.0/8');
    expect(cidrContains(block, '::ffff:10.1.2.3')).toBe(true);
    expect(cidrContains(block, '64:ff9b::10.1.2.3')).toBe(false);
    expect(cidrContains(parseCidr('::/0'), '10.1.2.3')).toBe(false);
    expect(cidrContains(block, 'not-an-address')).toBe(false);
  });
});

describe('createWorkerUrlPolicy', () => {
  it('defaults to https, no allow-listed range and any host', () => {
    expect(DEFAULT_WORKER_URL_POLICY).toEqual({
      allowedSchemes: ['https'],
      allowedCidrs: [],
      allowedHosts: [],
    });
  });

  it('reports every bad entry with its path', () => {
    expect.assertions(2);
    try {
      createWorkerUrlPolicy({
        allowedSchemes: ['https', 'ftp'],
        allowedCidrs: ['10.0.0.0/8', '10.0.0.1/8'],
        allowedHosts: ['ok.example', 'bad host', '*.Example.COM.'],
      });
    } catch (error) {
      expect((error as RegistryError).code).toBe('REGISTRY.INVALID_OPTION');
      expect((error as RegistryError).errors.map((e) => e.path)).toEqual([
        'allowedSchemes[1]',
        'allowedCidrs[1]',
        'allowedHosts[1]',
      ]);
    }
  });

  it('refuses an empty scheme list', () => {
    expect(() => createWorkerUrlPolicy({ allowedSchemes: [] })).toThrow(
      'allowedSchemes must not be empty',
    );
  });
});

describe('evaluateAddress', () => {
  it('allows public addresses under the default policy and no special range', () => {
    expect(evaluateAddress('8.8.8.8', DEFAULT_WORKER_URL_POLICY)).toEqual({
      allowed: true,
      address: '8.8.8.8',
      addressClass: 'public',
      allowListed: false,
    });
    expect(evaluateAddress('127.0.0.1', DEFAULT_WORKER_URL_POLICY)).toMatchObject({
      allowed: false,
      addressClass: 'loopback',
      detail: '127.0.0.1 is loopback and not in allowedCidrs',
    });
    expect(evaluateAddress('nonsense', DEFAULT_WORKER_URL_POLICY)).toMatchObject({
      allowed: false,
      addressClass: null,
    });
  });

  it('lets allowedCidrs lift a special range, for the mapped and NAT64 forms too', () => {
    const policy = createWorkerUrlPolicy({ allowedCidrs: ['10.0.0.0/8'] });
    for (const address of ['10.2.3.4', '::ffff:10.2.3.4', '64:ff9b::10.2.3.4', '2002:a02:304::1'])
      expect(evaluateAddress(address, policy)).toMatchObject({ allowed: true, allowListed: true });
    expect(evaluateAddress('192.168.0.1', policy).allowed).toBe(false);
  });

  it('allows every address of 10.0.0.0/8 once it is allow-listed, and nothing next to it', () => {
    const policy = createWorkerUrlPolicy({ allowedCidrs: ['10.0.0.0/8'] });
    fc.assert(
      fc.property(inBlock('10.0.0.0/8'), inBlock('172.16.0.0/12'), (inside, outside) => {
        expect(evaluateAddress(inside, policy).allowed).toBe(true);
        expect(evaluateAddress(outside, policy).allowed).toBe(false);
      }),
    );
  });

  it.each([
    '169.254.169.254',
    'fd00:ec2::254',
    '0.0.0.0',
    '::',
    '224.0.0.1',
    '255.255.255.255',
    '100.100.100.200',
  ])('never allows %s, not even when every address is allow-listed', (address) => {
    const everything = createWorkerUrlPolicy({ allowedCidrs: ['0.0.0.0/0', '::/0'] });
    const decision = evaluateAddress(address, everything);
    expect(decision.allowed).toBe(false);
    expect(NEVER_ALLOWED_ADDRESS_CLASSES.has(decision.addressClass!)).toBe(true);
  });

  it('never allows a metadata address, whatever block holds it', () => {
    const metadata = ['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254'];
    fc.assert(
      fc.property(
        fc.constantFrom(...metadata),
        fc.integer({ min: 0, max: 128 }),
        (address, prefix) => {
          const ip = parseIpAddress(address)!;
          const bits = ip.family === 4 ? 32 : 128;
          const length = Math.min(prefix, bits);
          const hostBits = BigInt(bits - length);
          const base = formatIpAddress({
            family: ip.family,
            value: (ip.value >> hostBits) << hostBits,
          });
          const policy = createWorkerUrlPolicy({ allowedCidrs: [`${base}/${length}`] });
          expect(evaluateAddress(address, policy).allowed).toBe(false);
        },
      ),
    );
  });
});

describe('checkWorkerUrlSyntax', () => {
  it('accepts a public https URL and normalises it', () => {
    expect(checkWorkerUrlSyntax('HTTPS://Worker.Example:8443', DEFAULT_WORKER_URL_POLICY)).toEqual({
      ok: true,
      url: 'https://worker.example:8443/',
      scheme: 'https',
      hostname: 'worker.example',
      port: 8443,
      address: null,
    });
    expect(checkWorkerUrlSyntax('https://8.8.8.8/base', DEFAULT_WORKER_URL_POLICY)).toMatchObject({
      ok: true,
      port: 443,
      address: '8.8.8.8',
    });
    expect(checkWorkerUrlSyntax('http://[2606:4700::1111]', http)).toMatchObject({
      ok: true,
      hostname: '2606:4700::1111',
      port: 80,
      address: '2606:4700::1111',
    });
  });

  it.each([
    ['not a url', 'invalid_url', 'is not an absolute URL'],
    ['http://w.example/', 'scheme_not_allowed', 'scheme http is not allowed (allowed: https)'],
    ['ftp://w.example/', 'scheme_not_allowed', 'scheme ftp'],
    ['file:///etc/passwd', 'scheme_not_allowed', 'scheme file'],
    ['gopher://w.example/', 'scheme_not_allowed', 'scheme gopher'],
    [
      'https://user:secret@w.example/',
      'credentials_in_url',
      'must not carry a user name or password',
    ],
    ['https://user@w.example/', 'credentials_in_url', 'must not carry'],
    ['https://w.example/#x', 'invalid_url', 'fragment'],
    ['https://w.example/#', 'invalid_url', 'fragment'],
    ['https://w.example/?a=1', 'invalid_url', 'query'],
    ['https://w.example/?', 'invalid_url', 'query'],
    ['https://w.example:0/', 'invalid_url', 'port 0'],
    ['https://w.example:65536/', 'invalid_url', 'is not an absolute URL'],
    [`https://${'a'.repeat(64)}.example/`, 'invalid_url', 'DNS length'],
    ['https://127.0.0.1/', 'forbidden_address', '127.0.0.1 is loopback and not in allowedCidrs'],
    ['https://2130706433/', 'forbidden_address', '127.0.0.1 is loopback and not in allowedCidrs'],
    ['https://0x7f.1/', 'forbidden_address', '127.0.0.1 is loopback and not in allowedCidrs'],
    ['https://017700000001/', 'forbidden_address', '127.0.0.1 is loopback and not in allowedCidrs'],
    ['https://127.1/', 'forbidden_address', 'loopback'],
    ['https://0/', 'forbidden_address', '0.0.0.0 is unspecified, which no allow-list opens'],
    ['https://[::1]/', 'forbidden_address', '::1 is loopback and not in allowedCidrs'],
    [
      'https://[::ffff:127.0.0.1]/',
      'forbidden_address',
      '::ffff:127.0.0.1 is loopback and not in allowedCidrs',
    ],
    ['https://[::ffff:7f00:1]/', 'forbidden_address', 'loopback'],
    ['https://[64:ff9b::10.0.0.1]/', 'forbidden_address', 'private'],
    ['https://[2002:c0a8:101::1]/', 'forbidden_address', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'forbidden_address', 'metadata'],
    ['https://[fd00:ec2::254]/', 'forbidden_address', 'metadata'],
    ['https://10.0.0.1/', 'forbidden_address', 'private'],
    ['https://localhost/', 'forbidden_address', 'localhost is loopback by definition'],
    ['https://api.localhost./', 'forbidden_address', 'loopback by definition'],
  ])('%s → %s', (url, reason, detail) => {
    const verdict = checkWorkerUrlSyntax(url, DEFAULT_WORKER_URL_POLICY);
    expect(verdict).toMatchObject({ ok: false, reason });
    expect(verdict.ok ? '' : verdict.detail).toContain(detail);
  });

  it('refuses a URL longer than MAX_WORKER_URL_LENGTH', () => {
    const base = 'https://w.example/';
    const longest = base + 'a'.repeat(MAX_WORKER_URL_LENGTH - base.length);
    expect(checkWorkerUrlSyntax(longest, DEFAULT_WORKER_URL_POLICY).ok).toBe(true);
    expect(checkWorkerUrlSyntax(`${longest}a`, DEFAULT_WORKER_URL_POLICY)).toMatchObject({
      ok: false,
      reason: 'invalid_url',
      detail: 'must be at most 2048 characters',
    });
  });

  it('never repeats credentials in its detail', () => {
    const verdict = checkWorkerUrlSyntax(
      'https://admin:hunter2@w.example/',
      DEFAULT_WORKER_URL_POLICY,
    );
    expect(JSON.stringify(verdict)).not.toContain('hunter2');
  });

  it('accepts loopback literals and localhost once 127.0.0.0/8 is allow-listed', () => {
    expect(checkWorkerUrlSyntax('http://2130706433:9000/w', loopbackAllowed)).toEqual({
      ok: true,
      url: 'http://127.0.0.1:9000/w',
      scheme: 'http',
      hostname: '127.0.0.1',
      port: 9000,
      address: '127.0.0.1',
    });
    expect(checkWorkerUrlSyntax('http://localhost:9000', loopbackAllowed)).toMatchObject({
      ok: true,
    });
    expect(checkWorkerUrlSyntax('http://[::1]:9000', loopbackAllowed)).toMatchObject({
      ok: false,
      reason: 'forbidden_address',
    });
  });

  it('restricts hosts with allowedHosts but never exempts them from address checks', () => {
    const policy = createWorkerUrlPolicy({ allowedHosts: ['*.workers.example', 'exact.example'] });
    expect(checkWorkerUrlSyntax('https://a.b.workers.example/', policy).ok).toBe(true);
    expect(checkWorkerUrlSyntax('https://exact.example./', policy).ok).toBe(true);
    expect(checkWorkerUrlSyntax('https://workers.example/', policy)).toMatchObject({
      reason: 'forbidden_address',
      detail: 'host workers.example is not in allowedHosts',
    });
    expect(checkWorkerUrlSyntax('https://evilworkers.example/', policy).ok).toBe(false);
    expect(checkWorkerUrlSyntax('https://8.8.8.8/', policy).ok).toBe(false);
    const listedLiteral = createWorkerUrlPolicy({ allowedHosts: ['127.0.0.1'] });
    expect(checkWorkerUrlSyntax('https://127.0.0.1/', listedLiteral)).toMatchObject({
      reason: 'forbidden_address',
      detail: expect.stringContaining('loopback') as unknown,
    });
  });

  it('judges a decimal or hex host exactly like its dotted form', () => {
    fc.assert(
      fc.property(arbV4, (n) => {
        const expected = checkWorkerUrlSyntax(`http://${dotted(n)}:8080/`, http);
        expect(checkWorkerUrlSyntax(`http://${n}:8080/`, http)).toEqual(expected);
        expect(checkWorkerUrlSyntax(`http://0x${n.toString(16)}:8080/`, http)).toEqual(expected);
        expect(expected.ok).toBe(classifyAddress(v4(n)) === 'public');
      }),
    );
  });
});

describe('checkResolvedAddresses', () => {
  it('accepts a list of public addresses', () => {
    expect(
      checkResolvedAddresses(['8.8.8.8', '2606:4700::1111'], DEFAULT_WORKER_URL_POLICY),
    ).toEqual({
      ok: true,
      addresses: ['8.8.8.8', '2606:4700::1111'],
    });
  });

  it('refuses the list when any address is forbidden, naming each one', () => {
    expect(
      checkResolvedAddresses(['8.8.8.8', '10.0.0.1', '::1'], DEFAULT_WORKER_URL_POLICY),
    ).toEqual({
      ok: false,
      reason: 'forbidden_address',
      detail:
        '10.0.0.1 is private and not in allowedCidrs; ::1 is loopback and not in allowedCidrs',
    });
  });

  it('calls an empty answer unresolvable and garbage forbidden', () => {
    expect(checkResolvedAddresses([], DEFAULT_WORKER_URL_POLICY)).toMatchObject({
      ok: false,
      reason: 'unresolvable_host',
    });
    expect(
      checkResolvedAddresses(['8.8.8.8', 'evil.example'], DEFAULT_WORKER_URL_POLICY),
    ).toMatchObject({
      ok: false,
      reason: 'forbidden_address',
      detail: 'evil.example is not an IP address',
    });
  });

  it('is refused whenever one address of the list is refused on its own', () => {
    const arbAddress = fc.oneof(
      arbV4.map((n) => dotted(n)),
      arbV6.map((ip) => formatIpAddress(ip)),
    );
    fc.assert(
      fc.property(fc.array(arbAddress, { minLength: 1, maxLength: 6 }), (addresses) => {
        const anyRefused = addresses.some((a) => !evaluateAddress(a, loopbackAllowed).allowed);
        expect(checkResolvedAddresses(addresses, loopbackAllowed).ok).toBe(!anyRefused);
      }),
    );
  });
});
