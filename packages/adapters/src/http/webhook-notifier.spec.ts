import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { DomainError } from '@slo-engine/core';
import { signWebhook, verifyWebhook, webhookPayload, WebhookErrorCodes } from './webhook-notifier';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const NOW = 1_764_000_000;

function headersFor(id: string, timestampSeconds: number, signature: string) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signature,
  };
}

describe('signWebhook / verifyWebhook', () => {
  it('signs HMAC-SHA256 over "id.timestamp.body" with the decoded whsec_ key, as Standard Webhooks does', () => {
    const key = Buffer.alloc(32, 0x5a);
    const body = '{"test": 2432232314}';
    const expected = createHmac('sha256', key)
      .update(`msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.${body}`)
      .digest('base64');
    const input = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestampSeconds: 1614265330, body };
    expect(signWebhook(`whsec_${key.toString('base64')}`, input)).toBe(`v1,${expected}`);
    expect(signWebhook(key, input)).toBe(`v1,${expected}`);
    // The reference libraries' test secret decodes to 24 bytes: below our 32-byte floor.
    expect(() => signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', input)).toThrow(/got 24/);
  });

  it('rejects missing headers, a non-numeric timestamp, and a timestamp outside the tolerance either way', () => {
    const body = '{}';
    const sign = (ts: number) => signWebhook(SECRET, { id: 'n1', timestampSeconds: ts, body });
    expect(verifyWebhook(SECRET, {}, body, { nowSeconds: NOW })).toMatchObject({
      ok: false,
      reason: 'missing_header',
    });
    expect(
      verifyWebhook(
        SECRET,
        { ...headersFor('n1', NOW, sign(NOW)), 'webhook-timestamp': '1e9' },
        body,
        {
          nowSeconds: NOW,
        },
      ),
    ).toMatchObject({ ok: false, reason: 'invalid_timestamp' });
    const stale = NOW - 301;
    expect(
      verifyWebhook(SECRET, headersFor('n1', stale, sign(stale)), body, { nowSeconds: NOW }),
    ).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    const future = NOW + 301;
    expect(
      verifyWebhook(SECRET, headersFor('n1', future, sign(future)), body, { nowSeconds: NOW }),
    ).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    const edge = NOW - 300;
    expect(
      verifyWebhook(SECRET, headersFor('n1', edge, sign(edge)), body, { nowSeconds: NOW }),
    ).toEqual({
      ok: true,
      id: 'n1',
      timestampSeconds: edge,
    });
    expect(
      verifyWebhook(SECRET, headersFor('n1', stale, sign(stale)), body, {
        nowSeconds: NOW,
        toleranceSeconds: 600,
      }).ok,
    ).toBe(true);
  });

  it('accepts any matching entry of a space-separated list (key rotation) and reads headers in any case', () => {
    const body = 'payload';
    const good = signWebhook(SECRET, { id: 'n2', timestampSeconds: NOW, body });
    const other = signWebhook('another-secret-that-is-32-bytes-long', {
      id: 'n2',
      timestampSeconds: NOW,
      body,
    });
    const headers = {
      'Webhook-Id': 'n2',
      'WEBHOOK-TIMESTAMP': String(NOW),
      'webhook-signature': `v2,nonsense ${other} ${good}`,
    };
    expect(verifyWebhook(SECRET, headers, body, { nowSeconds: NOW }).ok).toBe(true);
    expect(
      verifyWebhook(SECRET, { ...headers, 'webhook-signature': other }, body, { nowSeconds: NOW }),
    ).toMatchObject({ ok: false, reason: 'invalid_signature' });
  });

  it('refuses secrets shorter than 32 bytes and a whsec_ secret that is not base64, with a stable code', () => {
    const input = { id: 'n', timestampSeconds: NOW, body: '' };
    let error: unknown;
    try {
      signWebhook('short', input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: WebhookErrorCodes.INVALID_OPTION,
      message: 'secret must be at least 32 bytes, got 5',
    });
    expect(() => signWebhook('whsec_not*base64', input)).toThrow(DomainError);
    // 24 decoded bytes: long as text, too short as a key.
    expect(() => signWebhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`, input)).toThrow(
      /got 24/,
    );
  });

  it('property: what signWebhook signs, verifyWebhook accepts', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 40 }).filter((id) => !/[\s]/.test(id)),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.uint8Array({ maxLength: 300 }),
        (secret, id, ts, body) => {
          const signature = signWebhook(secret, { id, timestampSeconds: ts, body });
          return verifyWebhook(secret, headersFor(id, ts, signature), body, { nowSeconds: ts }).ok;
        },
      ),
    );
  });

  it('property: changing any byte of the body, the signature, the id or the key fails verification', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 48 }),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('body', 'signature', 'id', 'key'),
        (secret, body, position, flip, target) => {
          const id = 'msg_0123456789';
          const signature = signWebhook(secret, { id, timestampSeconds: NOW, body });
          const change = (bytes: Uint8Array) => {
            const copy = Uint8Array.from(bytes);
            const i = position % copy.length;
            copy[i] = (copy[i] ?? 0) ^ flip;
            return copy;
          };
          const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
          const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
          const verdict = verifyWebhook(
            target === 'key' ? change(secret) : secret,
            headersFor(
              target === 'id' ? text(change(latin1(id))) : id,
              NOW,
              target === 'signature' ? text(change(latin1(signature))) : signature,
            ),
            target === 'body' ? change(body) : body,
            { nowSeconds: NOW },
          );
          return !verdict.ok;
        },
      ),
    );
  });
});

describe('webhookPayload', () => {
  it('is the Standard Webhooks envelope, the notification fields winning over same-named details', () => {
    const occurredAt = new Date('2026-11-23T10:00:00.000Z');
    expect(
      webhookPayload({
        id: 'evt-1',
        type: 'recommendation.drift_detected',
        serviceId: 'checkout',
        occurredAt,
        data: { detectors: ['cusum'], id: 'spoofed', team: 'spoofed' },
      }),
    ).toEqual({
      type: 'recommendation.drift_detected',
      timestamp: '2026-11-23T10:00:00.000Z',
      data: {
        detectors: ['cusum'],
        id: 'evt-1',
        service_id: 'checkout',
        team: null,
        occurred_at: '2026-11-23T10:00:00.000Z',
      },
    });
  });
});
