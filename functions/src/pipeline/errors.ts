import type { FileErrorKind } from './types';

/** Input that breaks a documented rule: a batch id, a manifest, or partials that cannot be merged. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';

  constructor(
    message: string,
    /** The field or parameter that contains the invalid value. */
    readonly field: string,
    /** The rejected value as received. */
    readonly value: unknown,
  ) {
    super(message);
  }
}

/** A whole-file problem found while reading; `mapStream` turns it into a typed `FileError`. */
export class FileFormatError extends Error {
  override readonly name = 'FileFormatError';

  constructor(
    readonly kind: FileErrorKind,
    message: string,
  ) {
    super(message);
  }
}
