import { resolveCorrelationId } from './correlation-id';

describe('resolveCorrelationId', () => {
  const generate = () => 'generated';

  it("keeps a caller's printable id of up to 128 characters", () => {
    expect(resolveCorrelationId('req-789', generate)).toBe('req-789');
    expect(resolveCorrelationId('a'.repeat(128), generate)).toBe('a'.repeat(128));
    expect(resolveCorrelationId(['first', 'second'], generate)).toBe('first');
  });

  it('replaces a missing, empty, too long or non-printable id', () => {
    for (const header of [undefined, '', 'a'.repeat(129), 'two words', 'line\nbreak', 'ünïcode']) {
      expect(resolveCorrelationId(header, generate)).toBe('generated');
    }
  });

  it('generates UUIDs by default', () => {
    expect(resolveCorrelationId(undefined)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  });
});
