/** Maximum size of an error message stored in a result or a failure record. */
export const MAX_MESSAGE_BYTES = 4096;

/**
 * Caps `message` at `maxBytes` of UTF-8 without splitting a character, and appends the original size.
 */
export function truncateMessage(message: string, maxBytes = MAX_MESSAGE_BYTES): string {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= maxBytes) {
    return message;
  }

  const suffix = ` ... (truncated, ${bytes.length} bytes in total)`;
  let end = Math.max(0, maxBytes - Buffer.byteLength(suffix));
  // A UTF-8 continuation byte has the bit pattern 10xxxxxx; back off to the start of its character.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) {
    end -= 1;
  }
  return bytes.subarray(0, end).toString('utf8') + suffix;
}

/** Renders a user value for a message: JSON, capped at 200 characters. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
