import { DDSketch } from '@datadog/sketches-js';
import * as compiledProto from '@datadog/sketches-js/dist/ddsketch/proto/compiled';
import { LogarithmicMapping } from '@datadog/sketches-js/dist/ddsketch/mapping';
import { DenseStore } from '@datadog/sketches-js/dist/ddsketch/store';

import { InvalidInputError } from './errors';

/** Relative accuracy of every quantile sketch: a reported quantile is within 1% of the true value. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

type Store = DDSketch['store'];

/** Fields of the DDSketch protobuf `Store` message. */
interface StoreMessage {
  binCounts?: Record<string, number>;
  contiguousBinCounts?: number[];
  contiguousBinIndexOffset?: number;
}

interface SketchMessage {
  mapping?: { gamma?: number; indexOffset?: number; interpolation?: number } | null;
  positiveValues?: StoreMessage | null;
  negativeValues?: StoreMessage | null;
  zeroCount?: number;
}

interface MessageType<T> {
  create(fields: T): T;
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/**
 * The library's generated protobuf module, typed here because its own typings declare only a `Root`. In
 * @datadog/sketches-js 2.1.1 `toProto` and `fromProto` call `require` for this module on every call, and resolving
 * it took about half the CPU time of mapping a 50-row file, so this file encodes and decodes the messages itself.
 */
const proto = compiledProto as unknown as {
  DDSketch: MessageType<SketchMessage>;
  Store: MessageType<StoreMessage>;
  IndexMapping: { Interpolation: { NONE: number } };
};

/** Bytes of one non-empty bin in the sparse `binCounts` map (key, value and their tags) against 8 per dense bin. */
const SPARSE_BIN_BYTES = 14;
const DENSE_BIN_BYTES = 8;

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
 * the source's negative values. This function merges the negative store as well, bin by bin (see mergeStoreInto).
 */
export function mergeSketchInto(target: DDSketch, source: DDSketch): void {
  if (target.mapping.gamma !== source.mapping.gamma) {
    throw new InvalidInputError(
      `Cannot merge sketches with different accuracy: gamma ${target.mapping.gamma} and ${source.mapping.gamma}.`,
      'sketch',
      source.mapping.gamma,
    );
  }
  mergeStoreInto(target.store, source.store);
  mergeStoreInto(target.negativeStore, source.negativeStore);
  target.zeroCount += source.zeroCount;
  target.count += source.count;
}

/**
 * Adds every non-empty bin of `source` to `target`. `DenseStore.merge` in @datadog/sketches-js 2.1.1 grows the target
 * with `_extendRange(minKey, maxKey || minKey)`, so a source whose largest key is 0 (values in (0.98, 1]) does not
 * extend the target to key 0. Its top bins were then written past the target's range and lost, or left outside the
 * target's `maxKey`, which a later merge of that target reads up to.
 */
function mergeStoreInto(target: Store, source: Store): void {
  source.bins.forEach((count, index) => {
    if (count > 0) target.add(source.offset + index, count);
  });
}

/**
 * Serializes a sketch as base64 protobuf. Each store keeps only the range of its non-empty bins, written as the
 * sparse `binCounts` map when that is smaller than the contiguous bins, so equal sketches give equal strings
 * whatever order their values were added or merged in.
 */
export function encodeSketch(sketch: DDSketch): string {
  const message = proto.DDSketch.create({
    mapping: { gamma: sketch.mapping.gamma, indexOffset: 0, interpolation: proto.IndexMapping.Interpolation.NONE },
    positiveValues: storeMessage(sketch.store),
    negativeValues: storeMessage(sketch.negativeStore),
    zeroCount: sketch.zeroCount,
  });
  return Buffer.from(proto.DDSketch.encode(message).finish()).toString('base64');
}

/** Parses the output of `encodeSketch`; throws InvalidInputError when it is not a sketch of the same accuracy. */
export function decodeSketch(text: string): DDSketch {
  const sketch = createSketch();
  try {
    const message = proto.DDSketch.decode(Buffer.from(text, 'base64'));
    const mapping = message.mapping;
    if (!mapping || mapping.interpolation !== proto.IndexMapping.Interpolation.NONE) {
      throw new Error('the mapping is missing or not logarithmic');
    }
    sketch.mapping = LogarithmicMapping.fromGammaOffset(mapping.gamma ?? 0, mapping.indexOffset ?? 0);
    sketch.store = storeFromMessage(message.positiveValues);
    sketch.negativeStore = storeFromMessage(message.negativeValues);
    sketch.zeroCount = message.zeroCount ?? 0;
    sketch.count = sketch.store.count + sketch.negativeStore.count + sketch.zeroCount;
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

function storeMessage(store: Store): StoreMessage {
  const { first, last } = nonEmptyRange(store);
  if (first > last) {
    return proto.Store.create({ contiguousBinCounts: [], contiguousBinIndexOffset: 0 });
  }
  let nonEmpty = 0;
  for (let index = first; index <= last; index++) {
    if (store.bins[index] > 0) nonEmpty += 1;
  }
  if (nonEmpty * SPARSE_BIN_BYTES >= (last - first + 1) * DENSE_BIN_BYTES) {
    const contiguousBinCounts = store.bins.slice(first, last + 1);
    return proto.Store.create({ contiguousBinCounts, contiguousBinIndexOffset: store.offset + first });
  }
  const binCounts: Record<string, number> = {};
  for (let index = first; index <= last; index++) {
    if (store.bins[index] > 0) binCounts[store.offset + index] = store.bins[index];
  }
  return proto.Store.create({ binCounts });
}

/** Rebuilds a dense store from either encoding. A message with both gets the sum of their counts. */
function storeFromMessage(message: StoreMessage | null | undefined): Store {
  const store = new DenseStore();
  if (!message) {
    return store;
  }
  const contiguous = message.contiguousBinCounts ?? [];
  const offset = message.contiguousBinIndexOffset ?? 0;
  contiguous.forEach((count, index) => {
    if (count > 0) store.add(offset + index, count);
  });
  for (const [key, count] of Object.entries(message.binCounts ?? {})) {
    if (count > 0) store.add(Number(key), count);
  }
  return store;
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

function nonEmptyRange(store: Store): { first: number; last: number } {
  let first = 0;
  let last = store.bins.length - 1;
  while (first <= last && !(store.bins[first] > 0)) {
    first += 1;
  }
  while (last >= first && !(store.bins[last] > 0)) {
    last -= 1;
  }
  return { first, last };
}
