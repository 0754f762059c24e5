import * as df from 'durable-functions';
import { ListInput } from '../batch/contracts';
import { FunctionName } from '../batch/function-names';
import { listBatchFiles } from '../batch/list-files';

df.app.activity(FunctionName.listActivity, {
  handler: (input: ListInput, context) => listBatchFiles(input, context),
});
