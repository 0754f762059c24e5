/**
 * Interfaces between the parts of the host: the worker (loads and invokes the app), the triggers
 * (HTTP, queues, blob events) and the durable engine (orchestrations, activities, management API).
 */

/** The RPC value union the Functions host sends to and receives from a language worker. */
export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  stream?: Uint8Array;
  http?: RpcHttpData;
  int?: number;
  double?: number;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: RpcTypedData;
  statusCode?: string;
  cookies?: unknown[];
  enableContentNegotiation?: boolean;
}

/** One binding as `@azure/functions` registers it: `type`, `direction` and the trigger's options. */
export interface BindingInfo {
  type: string;
  direction: 'in' | 'out' | 'inout';
  name?: string;
  [option: string]: unknown;
}

export interface RegisteredFunction {
  name: string;
  /** Map key of the trigger binding in `bindings`. */
  triggerBindingName: string;
  trigger: BindingInfo;
  bindings: Record<string, BindingInfo>;
}

export interface InvocationRequest {
  /** Value of the trigger binding; undefined sends the entry without data (an activity with no input). */
  trigger?: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: { retryCount: number; maxRetryCount: number };
}

export interface InvocationResult {
  invocationId: string;
  /** Raw `returnValue` as the programming model produced it (durable results travel here). */
  returnValue?: RpcTypedData;
  /** Output bindings by binding name, `$return` included when the function declares it. */
  outputData: Record<string, RpcTypedData>;
  /** Set when the invocation failed: the worker's message and stack for the thrown value. */
  error?: { message: string; stack?: string };
}

/** Supplies the value of a non-trigger input binding of a given type (for example `durableClient`). */
export type InputBindingProvider = (fn: RegisteredFunction, bindingName: string) => RpcTypedData;

export interface FunctionInvoker {
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  invoke(functionName: string, request: InvocationRequest): Promise<InvocationResult>;
}

export interface HostHttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

export interface HostHttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** `Set-Cookie` values, one per cookie, because `headers` has one value per name. */
  setCookies?: string[];
  body?: string | Buffer;
}

/** A handler for a URL prefix of the host's HTTP server; undefined means "not mine, try the next one". */
export interface HttpRouteHandler {
  handle(request: HostHttpRequest): Promise<HostHttpResponse | undefined>;
}

/** Durable engine services used by the rest of the host. */
export interface DurableService {
  /** Trigger binding types this service dispatches itself (orchestrationTrigger, activityTrigger, entityTrigger). */
  readonly triggerTypes: readonly string[];
  /** Value of `durableClient` input bindings. */
  clientBinding: InputBindingProvider;
  /** Serves `/runtime/webhooks/durabletask/...`. */
  http: HttpRouteHandler;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface DurableServiceOptions {
  invoker: FunctionInvoker;
  /** Folder for the SQLite task hub store. */
  dataDir: string;
  /** host.json `extensions.durableTask` with `%SETTING%` references already resolved. */
  settings: Record<string, unknown>;
  /** Origin used in management URLs, for example `http://127.0.0.1:7071`. */
  baseUrl: string;
  /**
   * Loopback origin of this host's HTTP server, for the client binding's `rpcBaseUrl`, so the app's durable
   * client reaches the API locally even when `baseUrl` is a public URL. @default baseUrl
   */
  localBaseUrl?: string;
  logger: import('pino').Logger;
}

/** Exported as `createDurableService` by `host/src/durable/index.ts`. */
export type CreateDurableService = (options: DurableServiceOptions) => DurableService;
