import { validateBatchId } from '../pipeline/batch-id';
import { InvalidInputError } from '../pipeline/errors';
import { describeValue } from '../pipeline/truncate';
import { BatchInput } from './contracts';

const RUN_ID = /^[a-z0-9-]{1,64}$/;

/**
 * Checks the input of a batch orchestration started by hand through the Durable HTTP API. The starters always
 * send valid input; anything else fails the orchestration before it writes a blob.
 */
export function parseBatchInput(value: unknown): BatchInput {
  const input = (typeof value === 'object' && value !== null ? value : {}) as Partial<BatchInput>;
  validateBatchId(input.batchId);
  if (typeof input.runId !== 'string' || !RUN_ID.test(input.runId)) {
    throw new InvalidInputError(
      `Invalid runId ${describeValue(input.runId)}: use 1 to 64 characters of a-z, 0-9 and "-"`,
      'runId',
      input.runId,
    );
  }
  if (input.mode !== 'full' && input.mode !== 'redrive') {
    throw new InvalidInputError(
      `Invalid mode ${describeValue(input.mode)}: use "full" or "redrive"`,
      'mode',
      input.mode,
    );
  }
  return input as BatchInput;
}
