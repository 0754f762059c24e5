import * as df from 'durable-functions';
import { WriteResultInput } from '../batch/contracts';
import { FunctionName } from '../batch/function-names';
import { writeBatchResult } from '../batch/write-result';

df.app.activity(FunctionName.writeResultActivity, {
  handler: (input: WriteResultInput, context) => writeBatchResult(input, context),
});
