import { type ResolvedServer } from './servers';

export default async function globalTeardown(): Promise<void> {
  const started =
    (globalThis as { __sloEngineTestServers?: ResolvedServer[] }).__sloEngineTestServers ?? [];
  await Promise.allSettled(started.map((server) => server.stop()));
}
