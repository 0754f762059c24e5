import type { Logger } from 'pino';
import type {
  FunctionInvoker,
  HostHttpRequest,
  HostHttpResponse,
  HttpRouteHandler,
  RegisteredFunction,
  RpcHttpData,
} from '../contracts';
import { jsonError } from './http-json';
import { toHostResponse } from './http-response';
import { compileRoute, CompiledRoute } from './route-template';

interface FunctionRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  /** Upper-case methods; empty means every method. */
  methods: string[];
}

/** Returns true for the trigger types the HTTP server serves. */
export function isHttpTrigger(fn: RegisteredFunction): boolean {
  return fn.trigger.type.toLowerCase() === 'httptrigger';
}

/** Methods an HTTP-triggered function accepts, upper-case; empty means every method. */
export function httpMethods(fn: RegisteredFunction): string[] {
  const methods = fn.trigger.methods;
  return Array.isArray(methods) ? methods.map((method) => String(method).toUpperCase()) : [];
}

/** The route template of an HTTP-triggered function: its `route` option, else its name. */
export function httpRoute(fn: RegisteredFunction): string {
  return typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name;
}

/**
 * Serves HTTP-triggered functions under `/<routePrefix>/`: matches the route template, returns 405 with `Allow`
 * when only the method differs, and turns the function's HTTP output into the response.
 */
export class HttpFunctionRoutes implements HttpRouteHandler {
  readonly #routes: FunctionRoute[];
  readonly #prefix: string;

  constructor(
    readonly invoker: FunctionInvoker,
    functions: RegisteredFunction[],
    routePrefix: string,
    readonly logger: Logger,
  ) {
    this.#prefix = routePrefix ? `/${routePrefix.toLowerCase()}` : '';
    this.#routes = functions
      .filter(isHttpTrigger)
      .map((fn) => ({ fn, route: compileRoute(httpRoute(fn), fn.name), methods: httpMethods(fn) }))
      .sort((a, b) => comparePrecedence(a.route.precedence, b.route.precedence));
  }

  async handle(request: HostHttpRequest): Promise<HostHttpResponse | undefined> {
    const path = this.#functionPath(request.url.pathname);
    if (path === undefined) return undefined;

    const matches = this.#routes
      .map((entry) => ({ entry, params: entry.route.match(path) }))
      .filter((found): found is { entry: FunctionRoute; params: Record<string, string> } => found.params !== undefined);
    if (matches.length === 0) return undefined;

    const accepted = matches.find(({ entry }) => entry.methods.length === 0 || entry.methods.includes(request.method));
    if (!accepted) {
      const allow = [...new Set(matches.flatMap(({ entry }) => entry.methods))].join(', ');
      return jsonError(
        405,
        `${request.method} is not allowed for ${request.url.pathname}: use ${allow}`,
        {},
        { allow },
      );
    }
    return this.#invoke(accepted.entry.fn, request, accepted.params);
  }

  #functionPath(pathname: string): string | undefined {
    if (!this.#prefix) return pathname;
    const lower = pathname.toLowerCase();
    if (lower === this.#prefix) return '';
    return lower.startsWith(`${this.#prefix}/`) ? pathname.slice(this.#prefix.length + 1) : undefined;
  }

  async #invoke(fn: RegisteredFunction, request: HostHttpRequest, params: Record<string, string>) {
    const result = await this.invoker.invoke(fn.name, { trigger: { http: toRpcHttp(request, params) } });
    if (result.error) {
      this.logger.error(
        { functionName: fn.name, invocationId: result.invocationId, err: result.error },
        'HTTP function failed',
      );
      return jsonError(500, `Function "${fn.name}" failed: see the host log`, { invocationId: result.invocationId });
    }
    return toHostResponse(fn, result);
  }
}

function toRpcHttp(request: HostHttpRequest, params: Record<string, string>): RpcHttpData {
  const query: Record<string, string> = {};
  for (const key of new Set(request.url.searchParams.keys())) {
    query[key] = request.url.searchParams.getAll(key).join(',');
  }
  const http: RpcHttpData = { method: request.method, url: request.url.href, headers: request.headers, query, params };
  if (request.body.length > 0) http.body = { bytes: new Uint8Array(request.body) };
  return http;
}

function comparePrecedence(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
