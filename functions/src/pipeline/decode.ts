import { TextDecoder } from 'node:util';

import { FileFormatError } from './errors';

export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;

/** Counts the bytes read so far; `mapStream` reports them when the caller does not pass the size. */
export interface ByteCounter {
  bytes: number;
}

/**
 * Decodes a byte stream as UTF-8 text chunk by chunk. A leading byte order mark is dropped. A NUL
 * byte anywhere raises a `binary` FileFormatError, and a malformed or truncated UTF-8 sequence an
 * `invalid-encoding` one, naming the byte offset of the chunk that contains it.
 */
export async function* decodeUtf8(source: ByteSource, counter: ByteCounter): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });

  for await (const chunk of source as AsyncIterable<Buffer | Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const offset = counter.bytes;
    counter.bytes += bytes.length;

    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      throw new FileFormatError(
        'binary',
        `The file contains a NUL byte at offset ${offset + nul}, so it is binary, not CSV or NDJSON text.`,
      );
    }

    const text = decodeOrThrow(decoder, bytes, offset, true);
    if (text.length > 0) {
      yield text;
    }
  }

  const rest = decodeOrThrow(decoder, new Uint8Array(0), counter.bytes, false);
  if (rest.length > 0) {
    yield rest;
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
