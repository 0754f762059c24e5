import http from 'node:http';
import { AddressInfo } from 'node:net';

export interface HeldBlobProxy {
  /** Blob endpoint port of the proxy; put it in a connection string in place of Azurite's blob port. */
  port: number;
  /** Resolves when the first request for the held blob arrives. */
  reached: Promise<void>;
  /** Forwards the held requests and every later one for that blob. */
  release(): void;
  close(): Promise<void>;
}

/**
 * Forwards blob requests on 127.0.0.1 to Azurite and holds those whose path ends with `heldPath` until release.
 * Delaying one file of a batch keeps the batch between 0 and 100 percent until the test has observed that state,
 * however fast the machine maps the other files.
 */
export async function startHeldBlobProxy(azuriteBlobPort: number, heldPath: string): Promise<HeldBlobProxy> {
  let released = false;
  let markReached: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (markReached = resolve));
  const waiting: (() => void)[] = [];
  const agent = new http.Agent({ keepAlive: true });

  const forward = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: azuriteBlobPort,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(upstream);
  };

  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (released || !decodeURIComponent(pathname).endsWith(heldPath)) {
      forward(request, response);
      return;
    }
    request.pause();
    markReached();
    waiting.push(() => {
      request.resume();
      forward(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const release = (): void => {
    released = true;
    for (const resume of waiting.splice(0)) resume();
  };

  return {
    port: (server.address() as AddressInfo).port,
    reached,
    release,
    close() {
      release();
      agent.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
