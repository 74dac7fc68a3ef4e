/**
 * Stand-ins for the ways Redis goes away, for the fail-fast and fallback tests: a port nothing
 * listens on, a proxy to the real Redis that can be cut and restored, and a server that completes
 * the connection handshake and then never answers a command (a stuck Redis).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A local port with no listener (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await close(server, new Set());
  return port;
}

export interface CuttableProxy {
  readonly url: string;
  /** Drops every connection and stops listening: Redis looks dead. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
}

/** A TCP proxy to the Redis at `redisUrl`. */
export async function cuttableProxy(redisUrl: string): Promise<CuttableProxy> {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  const start = (): Server =>
    createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => {
          sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  let server = start();
  const port = await listen(server);
  const proxied = new URL(redisUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    cut: () => close(server, sockets),
    restore: async () => {
      server = start();
      await listen(server, port);
    },
  };
}

export interface StuckRedis {
  readonly url: string;
  /** Commands received after the handshake, never answered. */
  readonly unanswered: string[];
  stop(): Promise<void>;
}

/**
 * Speaks just enough RESP for ioredis to consider the connection ready (CLIENT, SELECT, INFO),
 * then swallows every other command.
 */
export async function stuckRedis(): Promise<StuckRedis> {
  const sockets = new Set<Socket>();
  const unanswered: string[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let command = takeCommand(); command; command = takeCommand()) {
        const name = command[0].toUpperCase();
        if (name === 'INFO') {
          const info = '# Server\r\nredis_version:7.0.0\r\nloading:0\r\n';
          socket.write(`$${info.length}\r\n${info}\r\n`);
        } else if (name === 'CLIENT' || name === 'SELECT') {
          socket.write('+OK\r\n');
        } else {
          unanswered.push(name);
        }
      }
    });
    /** Parses one RESP array of bulk strings off the buffer, or returns undefined. */
    function takeCommand(): string[] | undefined {
      const match = /^\*(\d+)\r\n/.exec(buffered);
      if (!match) return undefined;
      let offset = match[0].length;
      const parts: string[] = [];
      for (let i = 0; i < Number(match[1]); i += 1) {
        const header = /^\$(\d+)\r\n/.exec(buffered.slice(offset));
        if (!header) return undefined;
        const start = offset + header[0].length;
        const end = start + Number(header[1]);
        if (buffered.length < end + 2) return undefined;
        parts.push(buffered.slice(start, end));
        offset = end + 2;
      }
      buffered = buffered.slice(offset);
      return parts;
    }
  });
  const port = await listen(server);
  return {
    url: `redis://127.0.0.1:${port}`,
    unanswered,
    stop: () => close(server, sockets),
  };
}
