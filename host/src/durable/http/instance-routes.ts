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

/** Routes of the documented Durable HTTP API for orchestration instances. */
export function instanceRoutes(ctx: EngineContext, manager: InstanceManager): Route[] {
  const checkStatus = (request: HostHttpRequest, instanceId: string): HostHttpResponse => {
    const links = managementUrls(request.url.origin, ctx.settings.hubName, encodeURIComponent(instanceId));
    const { rewindPostUri: _rewind, ...body } = links;
    return jsonResponse(202, { ...body, id: instanceId }, { location: links.statusQueryGetUri, 'retry-after': '10' });
  };

  const waitOrCheck = async (request: HostHttpRequest, instanceId: string): Promise<HostHttpResponse> => {
    const timeout = request.url.searchParams.get('timeout');
    const interval = request.url.searchParams.get('pollingInterval');
    if (!timeout || !interval) {
      return checkStatus(request, instanceId);
    }
    const deadline = Date.now() + positiveIntegerParam(request.url.searchParams, 'timeout', 1) * 1000;
    const pollMs = positiveIntegerParam(request.url.searchParams, 'pollingInterval', 1) * 1000;
    while (Date.now() < deadline) {
      const instance = ctx.store.getInstance(instanceId);
      if (instance && isTerminal(instance.status)) {
        return jsonResponse(200, statusJson(instance, { showInput: true }).output);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
    }
    return checkStatus(request, instanceId);
  };

  const getStatus = (params: string[], request: HostHttpRequest): HostHttpResponse => {
    const query = request.url.searchParams;
    const instance = ctx.store.getInstance(params[0]);
    if (!instance) {
      return { status: 404 };
    }
    const showHistory = booleanParam(query, 'showHistory', false);
    const history = showHistory
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
  };

  const list = (_params: string[], request: HostHttpRequest): HostHttpResponse => {
    const query = request.url.searchParams;
    const top = positiveIntegerParam(query, 'top', 100);
    const token = headerValue(request, continuationHeader);
    const rows = listInstances(ctx.store.db, filterParams(query), top + 1, token ? decodeToken(token) : undefined);
    const page = rows.slice(0, top);
    const showInput = booleanParam(query, 'showInput', true);
    const last = page[page.length - 1];
    const headers: Record<string, string> =
      rows.length > top && last ? { [continuationHeader]: encodeToken(last.created_at, last.instance_id) } : {};
    return jsonResponse(
      200,
      page.map((row) => statusJson(row, { showInput })),
      headers,
    );
  };

  const purgeMatching = (_params: string[], request: HostHttpRequest): HostHttpResponse => {
    const filter = filterParams(request.url.searchParams);
    if (filter.createdTimeFrom === undefined) {
      throw new BadRequestError(
        'Missing query parameter createdTimeFrom: purging by filter needs a creation time range.',
      );
    }
    const deleted = manager.purgeMatching({ ...filter, createdTimeTo: filter.createdTimeTo ?? Date.now() });
    return deleted === 0 ? { status: 404 } : jsonResponse(200, { instancesDeleted: deleted });
  };

  const reason = (request: HostHttpRequest): string => request.url.searchParams.get('reason') ?? '';
  const accepted = (): HostHttpResponse => ({ status: 202 });

  return [
    {
      method: 'POST',
      pattern: /^orchestrators\/([^/]+)(?:\/([^/]+))?$/i,
      handler: (params, request) => {
        const id = manager.start(
          params[0],
          params[1] || undefined,
          jsonBody(request, 'orchestration input'),
          request.url.searchParams.get('version') ?? '',
        );
        return waitOrCheck(request, id);
      },
    },
    { method: 'GET', pattern: /^instances$/i, handler: list },
    { method: 'DELETE', pattern: /^instances$/i, handler: purgeMatching },
    { method: 'GET', pattern: /^instances\/([^/]+)$/i, handler: getStatus },
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
      handler: (params, request) => {
        if (!ctx.store.getInstance(params[0])) {
          throw new NotFoundError(`No instance with ID '${params[0]}' was found.`);
        }
        requireJsonContentType(request);
        manager.raiseEvent(params[0], params[1], jsonBody(request, 'event data'));
        return accepted();
      },
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/terminate$/i,
      handler: (p, r) => (manager.terminate(p[0], reason(r)), accepted()),
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/suspend$/i,
      handler: (p, r) => (manager.suspend(p[0], reason(r)), accepted()),
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/resume$/i,
      handler: (p, r) => (manager.resume(p[0], reason(r)), accepted()),
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/rewind$/i,
      handler: (p, r) => (manager.rewind(p[0], reason(r)), accepted()),
    },
    {
      method: 'POST',
      pattern: /^instances\/([^/]+)\/restart$/i,
      handler: (params, request) => {
        if (!ctx.store.getInstance(params[0])) {
          throw new BadRequestError(`Cannot restart: no instance with ID '${params[0]}' was found.`);
        }
        const id = manager.restart(params[0], booleanParam(request.url.searchParams, 'restartWithNewInstanceId', true));
        return waitOrCheck(request, id);
      },
    },
  ];
}
