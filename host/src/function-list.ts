import type { RegisteredFunction } from './contracts';
import { httpMethods, httpRoute, isHttpTrigger } from './triggers/http-functions';

/**
 * Formats one line per function as Core Tools prints them at start-up: HTTP functions with their methods and
 * URL (`hello: [GET,POST] http://127.0.0.1:7071/api/hello`), others with their trigger type.
 */
export function formatFunctionList(
  functions: Iterable<RegisteredFunction>,
  origin: string,
  routePrefix: string,
): string[] {
  const lines: string[] = [];
  for (const fn of functions) {
    if (!isHttpTrigger(fn)) {
      lines.push(`${fn.name}: ${fn.trigger.type}`);
      continue;
    }
    const path = [routePrefix, httpRoute(fn).replace(/^\/+/, '')].filter(Boolean).join('/');
    const methods = httpMethods(fn);
    const methodList = methods.length > 0 ? `[${methods.join(',')}] ` : '';
    lines.push(`${fn.name}: ${methodList}${origin}/${path}`);
  }
  return lines;
}
