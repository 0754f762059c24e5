import { DDSketch } from '@datadog/sketches-js';

import { InvalidInputError } from './errors';

/** Relative accuracy of every quantile sketch: a reported quantile is within 1% of the true value. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

type Store = DDSketch['store'];

/**
 * Creates an empty sketch with dense stores, which merge exactly in any order.
 *
 * NOTE: a dense store keeps every bin between its smallest and largest key, about 116 bins per
 * factor of 10 at 1% accuracy, so a metric spanning 1e-300 to 1e300 costs about 550 KB per sketch.
 */
export function createSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

/**
 * Merges `source` into `target`, both stores and the zero count.
 *
 * NOTE: `DDSketch.merge` in @datadog/sketches-js 2.1.1 merges the positive store only, so it loses
 * the source's negative values. This function merges the negative store as well.
 */
export function mergeSketchInto(target: DDSketch, source: DDSketch): void {
  if (target.mapping.gamma !== source.mapping.gamma) {
    throw new InvalidInputError(
      `Cannot merge sketches with different accuracy: gamma ${target.mapping.gamma} and ${source.mapping.gamma}.`,
      'sketch',
      source.mapping.gamma,
    );
  }
  target.store.merge(source.store);
  target.negativeStore.merge(source.negativeStore);
  target.zeroCount += source.zeroCount;
  target.count += source.count;
}

/**
 * Serializes a sketch as base64 protobuf. Each store is trimmed to its non-empty bins first, so equal
 * sketches give equal strings whatever order their values were added or merged in.
 */
export function encodeSketch(sketch: DDSketch): string {
  const compact = createSketch();
  compact.store = trimStore(sketch.store);
  compact.negativeStore = trimStore(sketch.negativeStore);
  compact.zeroCount = sketch.zeroCount;
  return Buffer.from(compact.toProto()).toString('base64');
}

/** Parses the output of `encodeSketch`; throws InvalidInputError when it is not a sketch of the same accuracy. */
export function decodeSketch(text: string): DDSketch {
  let sketch: DDSketch;
  try {
    sketch = DDSketch.fromProto(Buffer.from(text, 'base64'));
  } catch (error) {
    throw new InvalidInputError(`Invalid sketch: ${(error as Error).message}.`, 'sketch', text.slice(0, 100));
  }

  const expected = createSketch().mapping.gamma;
  if (sketch.mapping.gamma !== expected) {
    throw new InvalidInputError(
      `Invalid sketch: gamma ${sketch.mapping.gamma}, expected ${expected} (relative accuracy ${SKETCH_RELATIVE_ACCURACY}).`,
      'sketch',
      text.slice(0, 100),
    );
  }
  return sketch;
}

/**
 * Returns the sketch's estimate of quantile `q`, or null when the sketch is empty. A decoded sketch
 * rebuilds its mapping from gamma, and its estimates can differ from the original's in the last bits,
 * so callers query decoded sketches only to get the same figures from every merge order.
 */
export function sketchQuantile(sketch: DDSketch, q: number): number | null {
  if (sketch.count === 0) {
    return null;
  }
  const value = sketch.getValueAtQuantile(q);
  return value === 0 ? 0 : value;
}

function trimStore(store: Store): Store {
  const trimmed = createSketch().store;
  let first = 0;
  let last = store.bins.length - 1;
  while (first <= last && !(store.bins[first] > 0)) {
    first += 1;
  }
  while (last >= first && !(store.bins[last] > 0)) {
    last -= 1;
  }
  if (first > last) {
    return trimmed;
  }

  trimmed.bins = store.bins.slice(first, last + 1);
  trimmed.offset = store.offset + first;
  trimmed.minKey = trimmed.offset;
  trimmed.maxKey = store.offset + last;
  trimmed.count = store.count;
  return trimmed;
}
