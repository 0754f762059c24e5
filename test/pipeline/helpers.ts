import { Readable } from 'node:stream';

/** Deterministic PRNG (mulberry32) so shuffles and splits repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Streams `data` in chunks of `size` bytes, so parsers see records and characters cut at chunk edges. */
export function chunkedStream(data: Buffer | string, size = 4096): Readable {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    chunks.push(bytes.subarray(offset, offset + size));
  }
  return Readable.from(chunks);
}

/**
 * Converts a double to an exact integer scaled by 2^1074, the smallest subnormal's reciprocal, so
 * BigInt addition of the results is exact.
 */
export function scaledExact(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const negative = high >>> 31 === 1;
  const exponent = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let scaled: bigint;
  if (exponent === 0) {
    scaled = mantissa;
  } else {
    mantissa |= 1n << 52n;
    scaled = mantissa << BigInt(exponent - 1);
  }
  return negative ? -scaled : scaled;
}

/** Rounds an integer scaled by 2^1074 to the nearest double; exact while the magnitude is at least 2^-45, where the sticky bit sits below the rounding bit. */
export function roundScaled(scaled: bigint): number {
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const shift = 974n;
  let kept = magnitude >> shift;
  if ((magnitude & ((1n << shift) - 1n)) !== 0n) {
    kept |= 1n;
  }
  const value = Number(kept) / 2 ** 100;
  return negative ? -value : value;
}
