/** Identity of a group: its key's field names and values, in key order. */
export function groupKeyId(key: Record<string, string>): string {
  return JSON.stringify(Object.entries(key));
}

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Orders group keys field by field: numeric values numerically and before text, text by UTF-16 code
 * units (no locale, so every machine sorts alike), and the key id breaks remaining ties.
 */
export function compareGroupKeys(a: Record<string, string>, b: Record<string, string>): number {
  const left = Object.values(a);
  const right = Object.values(b);
  const length = Math.min(left.length, right.length);

  for (let i = 0; i < length; i += 1) {
    const order = compareValues(left[i], right[i]);
    if (order !== 0) {
      return order;
    }
  }
  if (left.length !== right.length) {
    return left.length - right.length;
  }
  return compareText(groupKeyId(a), groupKeyId(b));
}

function compareValues(a: string, b: string): number {
  const aNumeric = NUMERIC.test(a);
  const bNumeric = NUMERIC.test(b);
  if (aNumeric && bNumeric) {
    const difference = Number(a) - Number(b);
    if (difference !== 0 && !Number.isNaN(difference)) {
      return difference < 0 ? -1 : 1;
    }
    return compareText(a, b);
  }
  if (aNumeric !== bNumeric) {
    return aNumeric ? -1 : 1;
  }
  return compareText(a, b);
}

function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
