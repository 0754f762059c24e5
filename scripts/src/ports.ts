import net from 'node:net';
import { CliError } from './errors';

/** Throws a one-line CliError naming the port when something already listens on 127.0.0.1:port. */
export async function assertPortFree(port: number, flag: string): Promise<void> {
  const server = net.createServer();
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  if (!error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return;
  }
  if (error.code === 'EADDRINUSE') {
    throw new CliError(`port ${port} is already in use: stop the process using it or choose another port with ${flag}`);
  }
  throw new CliError(
    `cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}): choose another port with ${flag}`,
  );
}

/** Parses a TCP port from a flag or environment value; 0 is allowed where the caller wants any free port. */
export function parsePort(value: string | number | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`invalid ${name} '${value}': use a TCP port number from 1 to 65535`);
  }
  return port;
}

/** Returns true when an HTTP server responds at the URL within the timeout, whatever its status code. */
export async function isHttpServing(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}
