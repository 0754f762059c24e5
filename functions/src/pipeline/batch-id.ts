import { InvalidInputError } from './errors';
import { describeValue } from './truncate';

const BATCH_ID = /^[a-z0-9-]{1,63}$/;

/** Returns `value` when it is a batch id (1 to 63 characters of a-z, 0-9 and "-"); throws InvalidInputError otherwise. */
export function validateBatchId(value: unknown): string {
  if (typeof value === 'string' && BATCH_ID.test(value)) {
    return value;
  }
  throw new InvalidInputError(
    `Invalid batchId ${describeValue(value)}: use 1 to 63 characters of lowercase letters a-z, digits 0-9 and "-".`,
    'batchId',
    value,
  );
}
