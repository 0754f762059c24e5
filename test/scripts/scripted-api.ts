import http from 'node:http';
import net from 'node:net';

export type Reply = { status: number; body: unknown };

/** Serves the batch API on loopback from a scripted list of replies, whatever the request; the last one repeats. */
export async function scriptedApi(
  replies: Reply[],
): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let count = 0;
  const server = http.createServer((_request, response) => {
    const reply = replies[Math.min(count, replies.length - 1)];
    count += 1;
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
