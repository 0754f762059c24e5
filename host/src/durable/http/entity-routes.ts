import { randomUUID } from 'node:crypto';
import type { HostHttpRequest } from '../../contracts';
import type { EngineContext } from '../engine-context';
import { entitySchedulerId } from '../entity-id';
import { BadRequestError, NotFoundError } from '../errors';
import { getEntity } from '../store';
import { jsonBody } from './request-body';
import { errorResponse } from './responses';
import type { Route } from './route-table';

/** `$` in a URL is the empty entity key. */
const entityKey = (key: string): string => (key === '$' ? '' : key);

function signalInput(request: HostHttpRequest): string | undefined {
  if (request.body.length === 0) {
    return undefined;
  }
  const type = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (/^application\/json\b/i.test(type.trim())) {
    return jsonBody(request, 'entity operation input') ?? undefined;
  }
  return JSON.stringify(request.body.toString('utf8'));
}

/** Routes to signal entities and read their state, as the durable-functions client calls them. */
export function entityRoutes(ctx: EngineContext): Route[] {
  const signal = (name: string, key: string, op: string, input: string | undefined) => {
    if (!ctx.catalog.resolve('entity', name)) {
      throw new BadRequestError(ctx.catalog.unknownMessage('entity', name));
    }
    const request = JSON.stringify({ op, signal: true, input, id: randomUUID() });
    const entityId = entitySchedulerId(name, entityKey(key));
    ctx.store.enqueueMessages(
      [{ instanceId: entityId, executionId: null, kind: 'entity', event: request }],
      Date.now(),
    );
    ctx.wake.entities();
    return { status: 202 };
  };

  return [
    {
      method: 'GET',
      pattern: /^entities\/([^/]+)\/([^/]+)$/i,
      handler: (params) => {
        const entity = getEntity(ctx.store.db, entitySchedulerId(params[0], entityKey(params[1])));
        if (!entity || entity.exists_flag !== 1) {
          throw new NotFoundError(`No entity '${params[0]}' with key '${params[1]}' was found.`);
        }
        return {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: entity.state ?? 'null',
        };
      },
    },
    {
      method: 'POST',
      pattern: /^entities\/([^/]+)\/([^/]+)$/i,
      handler: (params, request) => {
        const op = request.url.searchParams.get('op');
        if (!op) {
          throw new BadRequestError('Missing query parameter op: name the entity operation to signal.');
        }
        return signal(params[0], params[1], op, signalInput(request));
      },
    },
    {
      method: 'DELETE',
      pattern: /^entities\/([^/]+)\/([^/]+)$/i,
      handler: (params) => signal(params[0], params[1], 'delete', undefined),
    },
    {
      method: 'GET',
      pattern: /^entities\/([^/]+)$/i,
      handler: () => errorResponse(501, 'Not implemented', 'Listing entities is not supported by the local host.'),
    },
  ];
}
