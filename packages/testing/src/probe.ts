import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { Socket } from 'node:net';

/** True when a TCP connection to host:port opens within `timeoutMs`. */
export function tcpOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * True when a Docker engine answers `GET /_ping` (DOCKER_HOST unix:// or tcp://, else the default
 * socket). `docker --version` alone proves nothing: the client is often installed without an engine.
 */
export function dockerEngineAnswers(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 1000,
): Promise<boolean> {
  const host = env.DOCKER_HOST;
  let options: { socketPath?: string; host?: string; port?: number };
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    options = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    const socketPath = host?.startsWith('unix://')
      ? host.slice('unix://'.length)
      : '/var/run/docker.sock';
    if (!existsSync(socketPath)) return Promise.resolve(false);
    options = { socketPath };
  }
  return new Promise((resolve) => {
    const req = request(
      { ...options, path: '/_ping', method: 'GET', timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}
