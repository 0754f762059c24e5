import { CliError } from './errors';

const BATCH_ID = /^[a-z0-9-]{1,63}$/;

/** Checks a batch id against the storage-safe form: 1 to 63 characters of lowercase letters, digits and '-'. */
export function validateBatchId(value: string): string {
  if (!BATCH_ID.test(value)) {
    throw new CliError(
      `invalid batch id '${value}': use 1 to 63 characters of lowercase letters, digits and '-' (for example flights-2001)`,
    );
  }
  return value;
}
