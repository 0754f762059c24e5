import { HttpRequest } from '@azure/functions';
import { InvalidInputError } from '../pipeline/errors';
import { describeValue } from '../pipeline/truncate';

/**
 * Reads an optional JSON object body. An empty body is `{}`; malformed JSON, a non-object or a field outside
 * `allowedFields` is an InvalidInputError that names the problem.
 */
export async function readJsonObjectBody(
  request: HttpRequest,
  allowedFields: readonly string[],
): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === '') return {};

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(
      `Request body is not valid JSON: ${(error as Error).message}`,
      'body',
      text.slice(0, 200),
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`Request body must be a JSON object, got ${describeValue(value)}`, 'body', value);
  }
  for (const field of Object.keys(value)) {
    if (!allowedFields.includes(field)) {
      const allowed = allowedFields.length > 0 ? `allowed fields: ${allowedFields.join(', ')}` : 'send no fields';
      throw new InvalidInputError(`Unknown field "${field}" in request body; ${allowed}`, field, value);
    }
  }
  return value as Record<string, unknown>;
}
