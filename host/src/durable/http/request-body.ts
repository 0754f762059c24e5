import type { HostHttpRequest } from '../../contracts';
import { BadRequestError } from '../errors';

/** JSON text of the request body, or null when it is empty; invalid JSON is a 400. */
export function jsonBody(request: HostHttpRequest, what: string): string | null {
  const text = request.body.toString('utf8');
  if (text.trim().length === 0) {
    return null;
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Invalid ${what}: the request body is not valid JSON (${(error as Error).message}).`);
  }
  return text;
}

/** Requires a JSON content type when a body is present, as the extension does for raised events. */
export function requireJsonContentType(request: HostHttpRequest): void {
  const type = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (request.body.length > 0 && !/^application\/json\b/i.test(type.trim())) {
    throw new BadRequestError(`Invalid content type '${type}': send the event data as application/json.`);
  }
}

/** Decodes a path segment or query value, keeping the raw text when it is not valid percent-encoding. */
export function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
