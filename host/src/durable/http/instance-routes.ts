import type { HostHttpRequest, HostHttpResponse } from '../../contracts';
import { managementUrls } from '../client-binding';
import type { EngineContext } from '../engine-context';
import { BadRequestError, NotFoundError } from '../errors';
import type { HistoryEvent } from '../history';
import type { InstanceManager } from '../management';
import { isTerminal, listInstances } from '../store';
import { booleanParam, filterParams, positiveIntegerParam } from './query';
import { jsonBody, requireJsonContentType } from './request-body';
import { jsonResponse } from './responses';
import type { Route } from './route-table';
import { statusJson } from './status-json';

const continuationHeader = 'x-ms-continuation-token';

function encodeToken(createdAt: number, instanceId: string): string {
  return Buffer.from(JSON.stringify([createdAt, instanceId])).toString('base64url');
}

function decodeToken(token: string): { createdAt: number; instanceId: string } {
  try {
    const [createdAt, instanceId] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [number, string];
    if (typeof createdAt !== 'number' || typeof instanceId !== 'string') {
      throw new Error('wrong shape');
    }
    return { createdAt, instanceId };
  } catch {
    throw new BadRequestError(
      `Invalid ${continuationHeader} header '${token}': send the token of the previous page unchanged.`,
    );
  }
}

function headerValue(request: HostHttpRequest, name: string): string | undefined {
  return Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

interface Deps {
  ctx: EngineContext;
  manager: InstanceManager;
}

function checkStatus({ ctx }: Deps, request: HostHttpRequest, instanceId: string): HostHttpResponse {
  const links = managementUrls(request.url.origin, ctx.settings.hubName, encodeURIComponent(instanceId));
  const { rewindPostUri: _rewind, ...body } = links;
  return jsonResponse(202, { ...body, id: instanceId }, { location: links.statusQueryGetUri, 'retry-after': '10' });
}

/** With `timeout` and `pollingInterval`, waits for the instance to finish like the extension does. */
async function waitOrCheck(deps: Deps, request: HostHttpRequest, instanceId: string): Promise<HostHttpResponse> {
  const query = request.url.searchParams;
  if (!query.get('timeout') || !query.get('pollingInterval')) {
    return checkStatus(deps, request, instanceId);
  }
  const deadline = Date.now() + positiveIntegerParam(query, 'timeout', 1) * 1000;
  const pollMs = positiveIntegerParam(query, 'pollingInterval', 1) * 1000;
  while (Date.now() < deadline) {
    const instance = deps.ctx.store.getInstance(instanceId);
    if (instance && isTerminal(instance.status)) {
      return jsonResponse(200, statusJson(instance, { showInput: true }).output);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
  return checkStatus(deps, request, instanceId);
}

function getStatus({ ctx }: Deps, instanceId: string, request: HostHttpRequest): HostHttpResponse {
  const query = request.url.searchParams;
  const instance = ctx.store.getInstance(instanceId);
  if (!instance) {
    // The extension returns a 404 with an empty body for an unknown instance, so this route does the same.
    return { status: 404 };
  }
  const history = booleanParam(query, 'showHistory', false)
    ? {
        events: ctx.store.historyOf(instance.instance_id).map((e) => JSON.parse(e) as HistoryEvent),
        showHistoryOutput: booleanParam(query, 'showHistoryOutput', false),
      }
    : undefined;
  const body = statusJson(instance, { showInput: booleanParam(query, 'showInput', true), history });
  if (!isTerminal(instance.status)) {
    return jsonResponse(202, body, { location: request.url.toString(), 'retry-after': '5' });
  }
  const failAs500 = instance.status === 'Failed' && booleanParam(query, 'returnInternalServerErrorOnFailure', false);
  return jsonResponse(failAs500 ? 500 : 200, body);
}

function listStatuses({ ctx }: Deps, request: HostHttpRequest): HostHttpResponse {
  const query = request.url.searchParams;
  const top = positiveIntegerParam(query, 'top', 100);
  const token = headerValue(request, continuationHeader);
  const rows = listInstances(ctx.store.db, filterParams(query), top + 1, token ? decodeToken(token) : undefined);
  const page = rows.slice(0, top);
  const showInput = booleanParam(query, 'showInput', true);
  const last = page[page.length - 1];
  const headers: Record<string, string> = {};
  if (rows.length > top && last) {
    headers[continuationHeader] = encodeToken(last.created_at, last.instance_id);
  }
  return jsonResponse(
    200,
    page.map((row) => statusJson(row, { showInput })),
    headers,
  );
}

function purgeMatching({ manager }: Deps, request: HostHttpRequest): HostHttpResponse {
  const filter = filterParams(request.url.searchParams);
  if (filter.createdTimeFrom === undefined) {
    throw new BadRequestError(
      'Missing query parameter createdTimeFrom: purging by filter needs a creation time range.',
    );
  }
  const deleted = manager.purgeMatching({ ...filter, createdTimeTo: filter.createdTimeTo ?? Date.now() });
  if (deleted === 0) {
    throw new NotFoundError('No instance matches the filter, so none was purged.');
  }
  return jsonResponse(200, { instancesDeleted: deleted });
}

function raiseEvent({ ctx, manager }: Deps, params: string[], request: HostHttpRequest): HostHttpResponse {
  if (!ctx.store.getInstance(params[0])) {
    throw new NotFoundError(`No instance with ID '${params[0]}' was found.`);
  }
  requireJsonContentType(request);
  manager.raiseEvent(params[0], params[1], jsonBody(request, 'event data'));
  return { status: 202 };
}

function restart(deps: Deps, instanceId: string, request: HostHttpRequest): Promise<HostHttpResponse> {
  if (!deps.ctx.store.getInstance(instanceId)) {
    throw new BadRequestError(`Cannot restart: no instance with ID '${instanceId}' was found.`);
  }
  const newId = booleanParam(request.url.searchParams, 'restartWithNewInstanceId', true);
  return waitOrCheck(deps, request, deps.manager.restart(instanceId, newId));
}

function startOrchestration(deps: Deps, params: string[], request: HostHttpRequest): Promise<HostHttpResponse> {
  const input = jsonBody(request, 'orchestration input');
  const version = request.url.searchParams.get('version') ?? '';
  const id = deps.manager.start(params[0], params[1] || undefined, input, version);
  return waitOrCheck(deps, request, id);
}

/** Routes of the documented Durable HTTP API for orchestration instances. */
export function instanceRoutes(ctx: EngineContext, manager: InstanceManager): Route[] {
  const deps = { ctx, manager };
  const reason = (request: HostHttpRequest): string => request.url.searchParams.get('reason') ?? '';
  const control = (operation: (id: string, reason: string) => void) => (params: string[], request: HostHttpRequest) => {
    operation(params[0], reason(request));
    return { status: 202 };
  };
  return [
    {
      method: 'POST',
      pattern: /^orchestrators\/([^/]+)(?:\/([^/]+))?$/i,
      handler: (p, r) => startOrchestration(deps, p, r),
    },
    { method: 'GET', pattern: /^instances$/i, handler: (_p, r) => listStatuses(deps, r) },
    { method: 'DELETE', pattern: /^instances$/i, handler: (_p, r) => purgeMatching(deps, r) },
    { method: 'GET', pattern: /^instances\/([^/]+)$/i, handler: (p, r) => getStatus(deps, p[0], r) },
    {
      method: 'DELETE',
      pattern: /^instances\/([^/]+)$/i,
      handler: (params) => {
        manager.purge(params[0]);
        return jsonResponse(200, { instancesDeleted: 1 });
      },
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/raiseEvent\/([^/]+)$/i,
      handler: (p, r) => raiseEvent(deps, p, r),
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/terminate$/i,
      handler: control((id, why) => manager.terminate(id, why)),
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/suspend$/i,
      handler: control((id, why) => manager.suspend(id, why)),
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/resume$/i,
      handler: control((id, why) => manager.resume(id, why)),
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/rewind$/i,
      handler: control((id, why) => manager.rewind(id, why)),
    },
    { method: 'POST', pattern: /^instances\/([^/]+)\/restart$/i, handler: (p, r) => restart(deps, p[0], r) },
  ];
}
