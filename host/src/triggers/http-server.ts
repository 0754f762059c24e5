import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { HostHttpRequest, HostHttpResponse, HttpRouteHandler } from '../contracts';
import { jsonError } from './http-json';

export interface HttpServerOptions {
  /** Listen address. @default '127.0.0.1' */
  host?: string;
  /** Listen port; 0 picks a free port. @default 7071 */
  port?: number;
  /** Largest request body accepted, in bytes; larger bodies get 413. @default 1048576 */
  maxRequestBytes?: number;
  /** Origin of request URLs handed to handlers and used in management URLs. @default `http://127.0.0.1:<port>` */
  publicUrl?: string;
  /** Trust `X-Forwarded-Host` and `X-Forwarded-Proto` for the request origin. @default false */
  trustedProxy?: boolean;
  logger: Logger;
}

/** The listen port is taken by another process. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use: stop the process using it or choose another port with --port`);
  }
}

export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

/** Time a request that arrives while the host starts waits for it, in milliseconds. */
const STARTUP_WAIT_MS = 30000;

/**
 * Idle time before the server closes a keep-alive connection, in milliseconds. It must outlast the clients' own
 * idle timeout (5 s for Node's agents, which the durable client uses), or a client can reuse a socket at the moment
 * the server closes it and get `socket hang up`.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65000;

/** Time in-flight requests get to finish when the server closes, in milliseconds. */
const CLOSE_GRACE_MS = 2000;

/**
 * The host's HTTP server. Each request goes to the registered handlers in order; the first response wins and
 * a request no handler takes gets a 404 JSON error. Requests that arrive before `ready()` wait for it, up to
 * `STARTUP_WAIT_MS`, and then get 503.
 */
export class HostHttpServer {
  readonly #server: http.Server;
  readonly #handlers: HttpRouteHandler[] = [];
  readonly #options: HttpServerOptions;
  #publicUrl?: URL;
  #ready = false;
  #markReady!: () => void;
  readonly #whenReady = new Promise<void>((resolve) => (this.#markReady = resolve));

  constructor(options: HttpServerOptions) {
    this.#options = options;
    this.#server = http.createServer((req, res) => void this.#onRequest(req, res));
    this.#server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    this.#server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  }

  /** Adds a handler after those already registered. */
  addHandler(handler: HttpRouteHandler): void {
    this.#handlers.push(handler);
  }

  ready(): void {
    this.#ready = true;
    this.#markReady();
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Origin of this host as clients see it, without a trailing slash. */
  get publicUrl(): string {
    if (!this.#publicUrl) throw new Error('The HTTP server is not listening yet');
    return this.#publicUrl.origin;
  }

  async listen(): Promise<void> {
    const host = this.#options.host ?? '127.0.0.1';
    const port = this.#options.port ?? 7071;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error),
      );
      this.#server.listen(port, host, () => resolve());
    });
    this.#publicUrl = new URL(this.#options.publicUrl ?? `http://127.0.0.1:${this.port}`);
    if (!isLoopback(host)) {
      this.#options.logger.warn(
        { host, port: this.port },
        'HTTP server listens beyond loopback; it has no authentication',
      );
    }
    this.#options.logger.info({ host, port: this.port, publicUrl: this.publicUrl }, 'HTTP server listening');
  }

  async close(): Promise<void> {
    // Requests still waiting for the start get 503 at once rather than at the end of their wait.
    this.#markReady();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
      setTimeout(() => this.#server.closeAllConnections(), CLOSE_GRACE_MS).unref();
    });
  }

  async #onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const body = await readBody(req, this.#options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES);
      if (body === undefined) {
        const limit = this.#options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
        send(res, jsonError(413, `The request body exceeds the maximum of ${limit} bytes: send a smaller body`));
        return;
      }
      if (!this.#ready) await this.#waitForStart();
      if (!this.#ready) {
        send(res, jsonError(503, 'The host is starting: retry in a moment'));
        return;
      }
      send(res, await this.#dispatch(this.#toHostRequest(req, body)));
    } catch (error) {
      this.#options.logger.error({ err: error, method: req.method, url: req.url }, 'HTTP request failed');
      if (!res.headersSent) send(res, jsonError(500, 'The host failed to handle the request: see the host log'));
      else res.destroy();
    }
  }

  async #waitForStart(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STARTUP_WAIT_MS)));
    await Promise.race([this.#whenReady, timeout]);
    clearTimeout(timer);
  }

  async #dispatch(request: HostHttpRequest): Promise<HostHttpResponse> {
    const { pathname } = request.url;
    if (!isValidPercentEncoding(pathname)) {
      return jsonError(400, `The path ${pathname} has an invalid percent-encoding: write a literal % as %25`);
    }
    for (const handler of this.#handlers) {
      const response = await handler.handle(request);
      if (response) return response;
    }
    return jsonError(404, `No function or API is served at ${request.method} ${request.url.pathname}`);
  }

  #toHostRequest(req: http.IncomingMessage, body: Buffer): HostHttpRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return {
      method: (req.method ?? 'GET').toUpperCase(),
      // Appending keeps a path that starts with `//`, which URL resolution would read as a host.
      url: new URL(`${new URL(this.#origin(headers)).origin}${requestPath(req.url)}`),
      headers,
      body,
    };
  }

  #origin(headers: Record<string, string>): string {
    const forwardedHost = headers['x-forwarded-host']?.split(',')[0].trim();
    if (!this.#options.trustedProxy || !forwardedHost) return this.publicUrl;
    const proto = headers['x-forwarded-proto']?.split(',')[0].trim() === 'https' ? 'https' : 'http';
    return `${proto}://${forwardedHost}`;
  }
}

/**
 * Returns the path and query of a request target. An absolute-form target (`GET http://other/path`) would otherwise
 * replace the origin that URLs handed to functions are built from. An origin-form target is appended to a fixed
 * origin, so a path starting with `//` stays a path instead of naming a host.
 */
function requestPath(target = '/'): string {
  const parsed = target.startsWith('/')
    ? new URL(`http://placeholder.invalid${target}`)
    : new URL(target, 'http://placeholder.invalid');
  return `${parsed.pathname}${parsed.search}`;
}

/** Reads the whole body; returns undefined when it is larger than `limit` (the rest is read and discarded). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, response: HostHttpResponse): void {
  const headers: http.OutgoingHttpHeaders = { ...response.headers };
  if (response.setCookies?.length) headers['set-cookie'] = response.setCookies;
  if (response.body !== undefined) headers['content-length'] = Buffer.byteLength(response.body);
  res.writeHead(response.status, headers);
  res.end(response.body);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Returns false when a `%` in the path does not start a sequence that decodes to UTF-8 text. */
function isValidPercentEncoding(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
