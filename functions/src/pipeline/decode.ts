import { TextDecoder } from 'node:util';

import { FileFormatError } from './errors';

export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;

/** Counts the bytes read so far; `mapStream` reports them when the caller does not pass the size. */
export interface ByteCounter {
  bytes: number;
}

/**
 * Decodes a byte stream as UTF-8 text chunk by chunk. A leading byte order mark is dropped. A UTF-16 byte
 * order mark raises an `invalid-encoding` FileFormatError whose message says to convert the file to UTF-8. A NUL byte anywhere
 * raises a `binary` one, and a malformed or truncated UTF-8 sequence an `invalid-encoding` one, naming the
 * byte offset of the chunk that contains it.
 */
export async function* decodeUtf8(source: ByteSource, counter: ByteCounter): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // A first chunk of one byte that may start a UTF-16 byte order mark waits for the next chunk.
  let head: Uint8Array | undefined;

  for await (const chunk of source as AsyncIterable<Buffer | Uint8Array | string>) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (head) {
      bytes = Buffer.concat([head, bytes]);
      head = undefined;
    }
    if (counter.bytes === 0 && bytes.length === 1 && (bytes[0] === 0xff || bytes[0] === 0xfe)) {
      head = bytes;
      continue;
    }
    const offset = counter.bytes;
    counter.bytes += bytes.length;
    if (offset === 0) {
      rejectUtf16(bytes);
    }

    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      throw new FileFormatError(
        'binary',
        `The file contains a NUL byte at offset ${offset + nul}, so it is binary, not CSV or NDJSON text. ` +
          'If it is text in UTF-16 or UTF-32, convert it to UTF-8 and upload it again.',
      );
    }

    const text = decodeOrThrow(decoder, bytes, offset, true);
    if (text.length > 0) {
      yield text;
    }
  }

  if (head) {
    counter.bytes += head.length;
    decodeOrThrow(decoder, head, 0, true);
  }
  const rest = decodeOrThrow(decoder, new Uint8Array(0), counter.bytes, false);
  if (rest.length > 0) {
    yield rest;
  }
}

function rejectUtf16(bytes: Uint8Array): void {
  const bom = utf16ByteOrderMark(bytes);
  if (bom) {
    throw new FileFormatError(
      'invalid-encoding',
      `The file is UTF-16, not UTF-8: it starts with the byte order mark ${bom}. ` +
        'Convert it to UTF-8 (for example with iconv -f UTF-16 -t UTF-8) and upload it again.',
    );
  }
}

/** Names the UTF-16 byte order mark that `bytes` starts with (FF FE or FE FF), or undefined. */
export function utf16ByteOrderMark(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'FF FE (UTF-16 little-endian)';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'FE FF (UTF-16 big-endian)';
  return undefined;
}

/**
 * Decodes complete UTF-8 text, such as a manifest, dropping a leading byte order mark. Returns the byte offset of
 * the first malformed sequence instead when there is one.
 */
export function decodeUtf8Text(bytes: Uint8Array): { ok: true; text: string } | { ok: false; offset: number } {
  if (decodes(bytes, false)) {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  }
  // A prefix decodes in streaming mode unless it contains a malformed sequence, and so does every shorter prefix.
  let valid = 0;
  let invalid = bytes.length;
  while (invalid - valid > 1) {
    const middle = Math.floor((valid + invalid) / 2);
    if (decodes(bytes.subarray(0, middle), true)) valid = middle;
    else invalid = middle;
  }
  // The last prefix that decodes may end inside the malformed sequence: back off to its lead byte.
  let offset = valid;
  if (!decodes(bytes.subarray(0, valid), false)) {
    offset = valid - 1;
    while (offset > 0 && (bytes[offset] & 0xc0) === 0x80) offset -= 1;
  }
  return { ok: false, offset };
}

function decodes(bytes: Uint8Array, stream: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

function decodeOrThrow(decoder: TextDecoder, bytes: Uint8Array, offset: number, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch {
    const where = stream ? `in the ${bytes.length} bytes starting at offset ${offset}` : 'at the end of the file';
    throw new FileFormatError('invalid-encoding', `The file is not valid UTF-8: a malformed byte sequence ${where}.`);
  }
}
