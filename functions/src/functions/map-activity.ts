import * as df from 'durable-functions';
import { MapInput } from '../batch/contracts';
import { FunctionName } from '../batch/function-names';
import { mapBlob } from '../batch/map-blob';

df.app.activity(FunctionName.mapActivity, {
  handler: (input: MapInput, context) => mapBlob(input, context),
});
