import { rateLimitHeaders } from './rate-limit-headers';

const RULE = { limit: 60, windowMs: 60_000 };

describe('rateLimitHeaders', () => {
  it('describes an admitted request without Retry-After', () => {
    const headers = rateLimitHeaders(
      { allowed: true, limit: 60, remaining: 12, resetMs: 4_001, retryAfterMs: 0 },
      RULE,
    );

    expect(headers).toEqual({
      'RateLimit-Policy': '60;w=60',
      RateLimit: 'limit=60, remaining=12, reset=5',
      'X-RateLimit-Limit': '60',
      'X-RateLimit-Remaining': '12',
      'X-RateLimit-Reset': '5',
    });
  });

  it('adds Retry-After in whole seconds, rounded up, to a denial', () => {
    const headers = rateLimitHeaders(
      { allowed: false, limit: 10, remaining: 0, resetMs: 60_000, retryAfterMs: 1_200 },
      { limit: 10, windowMs: 60_000 },
    );

    expect(headers).toEqual({
      'RateLimit-Policy': '10;w=60',
      RateLimit: 'limit=10, remaining=0, reset=60',
      'X-RateLimit-Limit': '10',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': '60',
      'Retry-After': '2',
    });
  });

  it('never tells a denied client to retry after 0 seconds', () => {
    const headers = rateLimitHeaders(
      { allowed: false, limit: 5, remaining: 0, resetMs: 1, retryAfterMs: 1 },
      { limit: 5, windowMs: 1_000 },
    );
    expect(headers['Retry-After']).toBe('1');
    expect(headers['X-RateLimit-Reset']).toBe('1');
  });

  it('states a sub-second window as one second, the smallest Structured Fields window', () => {
    const headers = rateLimitHeaders(
      { allowed: true, limit: 5, remaining: 4, resetMs: 100, retryAfterMs: 0 },
      { limit: 5, windowMs: 500 },
    );
    expect(headers['RateLimit-Policy']).toBe('5;w=1');
  });
});
