import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { type AddressInfo } from 'node:net';
import { dockerEngineAnswers, tcpOpen } from './probe';

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('tcpOpen', () => {
  it('is true for a listening port and false once it is closed', async () => {
    const server = createTcpServer((socket) => socket.end());
    const port = await listen(server);
    expect(await tcpOpen('127.0.0.1', port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await tcpOpen('127.0.0.1', port)).toBe(false);
  });
});

describe('dockerEngineAnswers', () => {
  it('is false when the socket named by DOCKER_HOST does not exist', async () => {
    expect(await dockerEngineAnswers({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' })).toBe(
      false,
    );
  });

  it('is true only when the engine answers /_ping with 200', async () => {
    let status = 200;
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/_ping' ? status : 404;
      res.end('OK');
    });
    const port = await listen(server);
    try {
      expect(await dockerEngineAnswers({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })).toBe(true);
      status = 500;
      expect(await dockerEngineAnswers({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
