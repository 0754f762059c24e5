/**
 * Exact summation of doubles as an expansion: non-overlapping doubles in increasing magnitude whose
 * real sum is the exact sum of every value added (Shewchuk, "Adaptive Precision Floating-Point
 * Arithmetic", 1997). Adding values or merging expansions in any order represents the same real
 * number, and `roundExpansion` rounds it once to the nearest double, so the result is independent of
 * order and grouping.
 *
 * NOTE: an exact sum whose magnitude exceeds the largest double (about 1.8e308) rounds to +/-Infinity,
 * and an intermediate overflow makes the expansion non-finite.
 */

/** Adds `value` to `expansion` in place and returns it. */
export function addToExpansion(expansion: number[], value: number): number[] {
  let x = value;
  let kept = 0;

  for (const part of expansion) {
    const [big, small] = Math.abs(x) >= Math.abs(part) ? [x, part] : [part, x];
    const high = big + small;
    const low = small - (high - big);
    if (low !== 0) {
      expansion[kept] = low;
      kept += 1;
    }
    x = high;
  }

  expansion.length = kept;
  expansion.push(x);
  return expansion;
}

/** Adds every part of `other` to `expansion` in place and returns it. */
export function mergeExpansion(expansion: number[], other: readonly number[]): number[] {
  for (const part of other) {
    addToExpansion(expansion, part);
  }
  return expansion;
}

/** Rounds the exact value of `expansion` to the nearest double, ties to even. */
export function roundExpansion(expansion: readonly number[]): number {
  let index = expansion.length;
  if (index === 0) {
    return 0;
  }

  index -= 1;
  let high = expansion[index];
  let low = 0;
  while (index > 0) {
    const x = high;
    index -= 1;
    const y = expansion[index];
    high = x + y;
    low = y - (high - x);
    if (low !== 0) {
      break;
    }
  }

  // When the remainder below `low` has the same sign, the true value is past the halfway point that
  // round-half-even just resolved, so round once more in that direction.
  if (index > 0 && ((low < 0 && expansion[index - 1] < 0) || (low > 0 && expansion[index - 1] > 0))) {
    const doubled = low * 2;
    const candidate = high + doubled;
    if (doubled === candidate - high) {
      high = candidate;
    }
  }
  return high;
}

/** Upper bound on the parts of an expansion of finite doubles (their exponents span about 2,100 bits). */
const MAX_PARTS = 64;

/**
 * Rewrites `expansion` in a form that depends only on its exact value: the nearest double to the
 * value, then the nearest double to what remains, and so on, listed in increasing magnitude. Equal
 * sums therefore serialize to equal arrays, and an empty array is zero.
 */
export function canonicalExpansion(expansion: readonly number[]): number[] {
  const rest = expansion.filter((part) => part !== 0);
  const parts: number[] = [];

  for (let i = 0; i < MAX_PARTS && rest.length > 0; i += 1) {
    const head = roundExpansion(rest);
    if (head === 0 || !Number.isFinite(head)) {
      break;
    }
    parts.unshift(head);
    addToExpansion(rest, -head);
    removeZeros(rest);
  }
  return parts;
}

function removeZeros(expansion: number[]): void {
  let kept = 0;
  for (const part of expansion) {
    if (part !== 0) {
      expansion[kept] = part;
      kept += 1;
    }
  }
  expansion.length = kept;
}
