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

/** JSON writes Infinity and NaN as null, so a marked string replaces them until the placeholder is replaced. */
const NON_FINITE_MARK = '\u0000non-finite:';
const NON_FINITE_PLACEHOLDER = /"\\u0000non-finite:(-?Infinity|NaN)"/g;

/** Renders a user value for a message: JSON, capped at 200 characters. Infinity and NaN keep their names. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, keepNonFinite) ?? String(value);
  } catch {
    text = String(value);
  }
  text = text.replace(NON_FINITE_PLACEHOLDER, '$1');
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function keepNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? `${NON_FINITE_MARK}${value}` : value;
}
