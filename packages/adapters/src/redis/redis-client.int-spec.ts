import { once } from 'node:events';
import type Redis from 'ioredis';
import { createTestRedis, type TestRedis } from '@slo-engine/testing';
import { closedPort, cuttableProxy, stuckRedis } from './__fixtures__/tcp-doubles';
import { createRedisClient } from './redis-client';

let testRedis: TestRedis;
const clients: Redis[] = [];

function client(url: string, options: Partial<Parameters<typeof createRedisClient>[1]> = {}) {
  const made = createRedisClient(url, {
    connectionName: 'slo-engine-test:redis-client',
    keyPrefix: testRedis.keyPrefix,
    lazyConnect: true,
    ...options,
  });
  clients.push(made);
  return made;
}

beforeAll(async () => {
  testRedis = await createTestRedis();
});
afterEach(() => {
  for (const made of clients.splice(0)) made.disconnect();
});
afterAll(async () => testRedis.cleanup());

describe('createRedisClient', () => {
  it('names its connection and prefixes its keys', async () => {
    const redis = client(testRedis.url);
    await redis.connect();

    expect(await redis.client('GETNAME')).toBe('slo-engine-test:redis-client');
    await redis.set('probe', '1');
    expect(await testRedis.client().get('probe')).toBe('1');
  });

  it('fails a command at once when Redis cannot be reached, instead of queueing it', async () => {
    const redis = client(`redis://127.0.0.1:${await closedPort()}`, { lazyConnect: false });

    await expect(redis.get('anything')).rejects.toThrow(/enableOfflineQueue/);
  });

  it('fails a command after commandTimeoutMs when Redis accepts it but never answers', async () => {
    const stuck = await stuckRedis();
    try {
      const redis = client(stuck.url, { commandTimeoutMs: 50 });
      await redis.connect();

      await expect(redis.get('anything')).rejects.toThrow(/timed out/);
      expect(stuck.unanswered).toEqual(['GET']);
    } finally {
      await stuck.stop();
    }
  });

  it('reconnects on its own when Redis comes back', async () => {
    const proxy = await cuttableProxy(testRedis.url);
    try {
      const redis = client(proxy.url, { maxReconnectDelayMs: 50 });
      await redis.connect();
      await redis.set('survivor', 'yes');

      await proxy.cut();
      await expect(redis.get('survivor')).rejects.toThrow();

      await proxy.restore();
      await once(redis, 'ready');
      expect(await redis.get('survivor')).toBe('yes');
    } finally {
      await proxy.cut();
    }
  });
});
