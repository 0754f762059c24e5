import type { SerializedError } from './protocol';

/**
 * Converts a thrown value to the message and stack the Node worker reports: an Error keeps its message,
 * a string is the message, null or undefined becomes "Unknown error" and other values are JSON.
 */
export function toSerializedError(thrown: unknown): SerializedError {
  if (thrown instanceof Error) return { name: thrown.name, message: thrown.message, stack: thrown.stack };

  let message: string;
  if (thrown === undefined || thrown === null) message = 'Unknown error';
  else if (typeof thrown === 'string') message = thrown;
  else if (typeof thrown === 'object') message = safeStringify(thrown);
  else message = String(thrown);
  return { message };
}

function safeStringify(value: object): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
