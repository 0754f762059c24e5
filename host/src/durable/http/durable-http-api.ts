import type { HostHttpRequest, HostHttpResponse, HttpRouteHandler } from '../../contracts';
import { webhookPath } from '../client-binding';
import { errorResponse, responseForError } from './responses';
import { allowedMethods, matchRoute, type Route } from './route-table';

/** Serves the routes under `/runtime/webhooks/durabletask/` (matched case-insensitively, like the extension). */
export class DurableHttpApi implements HttpRouteHandler {
  constructor(
    private readonly routes: Route[],
    private readonly hubName: string,
  ) {}

  async handle(request: HostHttpRequest): Promise<HostHttpResponse | undefined> {
    const pathname = request.url.pathname;
    if (!pathname.toLowerCase().startsWith(webhookPath)) {
      return undefined;
    }
    const rest = pathname.slice(webhookPath.length);
    if (rest.length > 0 && !rest.startsWith('/')) {
      return undefined;
    }
    const path = rest.replace(/^\/+|\/+$/g, '');
    const method = request.method.toUpperCase();
    const found = matchRoute(this.routes, method, path);
    if (!found) {
      const allowed = allowedMethods(this.routes, path);
      if (allowed.length === 0) {
        return errorResponse(404, 'Not found', `No Durable API route for ${method} ${pathname}.`);
      }
      const allow = allowed.join(', ');
      return errorResponse(405, 'Method not allowed', `${method} is not allowed for ${pathname}: use ${allow}.`, {
        allow,
      });
    }
    const taskHub = request.url.searchParams.get('taskHub');
    if (taskHub && taskHub.toLowerCase() !== this.hubName.toLowerCase()) {
      return errorResponse(
        404,
        'Not found',
        `Task hub '${taskHub}' is not served by this host; its hub is '${this.hubName}'.`,
      );
    }
    try {
      return await found.route.handler(found.params, request);
    } catch (error) {
      return responseForError(error);
    }
  }
}
