import type { RpcTypedData } from '../contracts';
import type { FailureDetails } from './history';

/** Cuts a text to at most `maxBytes` UTF-8 bytes, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) {
    return text;
  }
  const marker = ' …[truncated]';
  const room = Math.max(0, maxBytes - Buffer.byteLength(marker));
  const cut = Buffer.from(text)
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return cut + marker;
}

/** The JSON text the extension stores as `TaskCompleted.Result` for a worker return value. */
export function resultJson(value: RpcTypedData | undefined): string {
  if (!value) {
    return 'null';
  }
  if (value.json !== undefined) {
    return value.json;
  }
  if (value.string !== undefined) {
    return JSON.stringify(value.string);
  }
  if (value.int !== undefined || value.double !== undefined) {
    return JSON.stringify(value.int ?? value.double);
  }
  const bytes = value.bytes ?? value.stream;
  if (bytes !== undefined) {
    return JSON.stringify(Buffer.from(bytes).toString('base64'));
  }
  return 'null';
}

/**
 * FailureDetails from the JSON message durable-functions writes when the app registered an exception
 * properties provider; undefined for ordinary messages.
 */
export function failureDetailsFromMessage(message: string): FailureDetails | null {
  if (!message.startsWith('{')) {
    return null;
  }
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    if (typeof parsed.errorType !== 'string' || typeof parsed.errorMessage !== 'string') {
      return null;
    }
    return {
      ErrorType: parsed.errorType,
      ErrorMessage: parsed.errorMessage,
      StackTrace: typeof parsed.stackTrace === 'string' ? parsed.stackTrace : null,
      InnerFailure: null,
      IsNonRetriable: parsed.isNonRetriable === true,
      Properties: (parsed.properties as Record<string, unknown>) ?? null,
    };
  } catch {
    return null;
  }
}
