import { createServer, type Server, type Socket } from 'node:net';
import { type AddressInfo } from 'node:net';
import { DomainError } from '@slo-engine/core';
import { createTestRedis, type TestRedis } from '@slo-engine/testing';
import { Redis } from 'ioredis';
import {
  assertQueueSafeRedis,
  redisEvictionPolicy,
  RedisEvictionErrorCodes,
} from './redis-eviction-policy';

/**
 * A Redis stand-in speaking just enough RESP for the check: CONFIG and INFO answer what the test
 * says, every other command (the client's handshake) gets +OK.
 */
/** `undefined` answers refuse the command, as a managed Redis does. */
async function fakeRedis(answers: {
  config?: string;
  info?: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      // Commands arrive as RESP arrays: *N\r\n$len\r\narg\r\n...; answer each complete one.
      for (;;) {
        const parsed = parseCommand(buffer);
        if (parsed === undefined) return;
        buffer = buffer.slice(parsed.length);
        socket.write(reply(parsed.args.map((a) => a.toUpperCase())));
      }
    });
  });
  const reply = (args: string[]): string => {
    if (args[0] === 'CONFIG')
      return answers.config === undefined
        ? "-ERR unknown command 'CONFIG'\r\n"
        : `*2\r\n$16\r\nmaxmemory-policy\r\n$${answers.config.length}\r\n${answers.config}\r\n`;
    if (args[0] === 'INFO') {
      if (answers.info === undefined) return '-NOPERM this user has no permissions to run INFO\r\n';
      const body = `# Memory\r\nused_memory:1000\r\nmaxmemory_policy:${answers.info}\r\n`;
      return `$${Buffer.byteLength(body)}\r\n${body}\r\n`;
    }
    return '+OK\r\n';
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function parseCommand(buffer: string): { args: string[]; length: number } | undefined {
  const lines = buffer.split('\r\n');
  if (!lines[0]?.startsWith('*')) return undefined;
  const count = Number(lines[0].slice(1));
  if (lines.length < 1 + count * 2 + 1) return undefined;
  const args: string[] = [];
  for (let i = 0; i < count; i++) args.push(lines[2 + i * 2]);
  const length = lines.slice(0, 1 + count * 2).reduce((n, l) => n + l.length + 2, 0);
  return { args, length };
}

async function withClient<T>(url: string, run: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableReadyCheck: false,
  });
  await redis.connect();
  try {
    return await run(redis);
  } finally {
    redis.disconnect();
  }
}

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('the BullMQ Redis must not evict keys', () => {
  let real: TestRedis;
  beforeAll(async () => {
    real = await createTestRedis();
  });
  afterAll(() => real.cleanup());

  it('reads the policy of the real Redis', async () => {
    const client = real.client();
    const policy = await redisEvictionPolicy(client);
    expect(typeof policy).toBe('string');
    if (policy === 'noeviction')
      await expect(assertQueueSafeRedis(client)).resolves.toBeUndefined();
    else
      expect((await domainError(assertQueueSafeRedis(client))).code).toBe(
        RedisEvictionErrorCodes.EVICTS_KEYS,
      );
  });

  it('refuses an evicting policy, naming it and the fix', async () => {
    const fake = await fakeRedis({ config: 'allkeys-lru', info: 'allkeys-lru' });
    try {
      const error = await withClient(fake.url, (redis) =>
        domainError(assertQueueSafeRedis(redis, 'the queue Redis')),
      );
      expect(error.code).toBe(RedisEvictionErrorCodes.EVICTS_KEYS);
      expect(error.message).toContain('the queue Redis has maxmemory-policy "allkeys-lru"');
      expect(error.message).toContain('Set maxmemory-policy noeviction');
      expect(error.details).toEqual({ policy: 'allkeys-lru' });
    } finally {
      await fake.close();
    }
  });

  it('falls back to INFO memory where CONFIG is disabled (managed Redis)', async () => {
    const fake = await fakeRedis({ info: 'volatile-lru' });
    try {
      expect(await withClient(fake.url, (redis) => redisEvictionPolicy(redis))).toBe(
        'volatile-lru',
      );
    } finally {
      await fake.close();
    }
    const safe = await fakeRedis({ info: 'noeviction' });
    try {
      await withClient(safe.url, (redis) => assertQueueSafeRedis(redis));
    } finally {
      await safe.close();
    }
  });

  it('refuses to start when the policy cannot be read at all', async () => {
    const fake = await fakeRedis({});
    try {
      const error = await withClient(fake.url, (redis) => domainError(assertQueueSafeRedis(redis)));
      expect(error.code).toBe(RedisEvictionErrorCodes.POLICY_UNKNOWN);
    } finally {
      await fake.close();
    }
  });
});
