import type { HostHttpRequest, HostHttpResponse } from '../../contracts';
import { decodeLenient } from './request-body';

export type RouteHandler = (params: string[], request: HostHttpRequest) => Promise<HostHttpResponse> | HostHttpResponse;

export interface Route {
  method: string;
  /** Path after the webhook root, without leading or trailing slashes; groups become `params`. */
  pattern: RegExp;
  handler: RouteHandler;
}

/** Finds the route for a method and relative path; returns undefined when no pattern matches. */
export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match && route.method === method) {
      return { route, params: match.slice(1).map((p) => (p === undefined ? '' : decodeLenient(p))) };
    }
  }
  return undefined;
}

/** Returns the methods of the routes whose pattern matches `path`, in route order; none when no pattern matches. */
export function allowedMethods(routes: Route[], path: string): string[] {
  return [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))];
}
