/** A decimal number with optional sign, fraction and exponent; no hex, no Infinity, no NaN, no thousands separators. */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export type ParsedNumber = { ok: true; value: number } | { ok: false; reason: string };

/**
 * Parses a metric cell. Surrounding spaces and tabs are ignored; an empty cell, any other text, and a
 * value too large for a double are rejected. -0 becomes 0, so serialized partials keep the same value.
 */
export function parseStrictNumber(text: string): ParsedNumber {
  const trimmed = text.replace(/^[ \t]+|[ \t]+$/g, '');
  if (trimmed === '') {
    return { ok: false, reason: 'empty value' };
  }
  if (!DECIMAL.test(trimmed)) {
    return { ok: false, reason: `not a decimal number: ${JSON.stringify(truncate(trimmed))}` };
  }

  const value = Number(trimmed);
  if (!Number.isFinite(value)) {
    return { ok: false, reason: `out of the range of a double: ${JSON.stringify(truncate(trimmed))}` };
  }
  return { ok: true, value: value === 0 ? 0 : value };
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
