import * as df from 'durable-functions';
import { ChunkInput, ReduceBatchInput } from '../batch/contracts';
import { FunctionName } from '../batch/function-names';
import { reduceBatch, reduceChunk } from '../batch/reduce';

df.app.activity(FunctionName.reduceChunkActivity, {
  handler: (input: ChunkInput, context) => reduceChunk(input, context),
});

df.app.activity(FunctionName.reduceBatchActivity, {
  handler: (input: ReduceBatchInput, context) => reduceBatch(input, context),
});
