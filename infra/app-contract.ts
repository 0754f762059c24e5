/**
 * Names the Function App code reads at run time. The infrastructure must create and configure exactly these, and the
 * infra tests compare each against the constants in the app's settings module, because `infra/` imports nothing from
 * the app.
 */

/** Connection prefix of the data storage account: the app reads `DataStorage__accountName` and its siblings. */
export const DATA_CONNECTION = 'DataStorage';

/** Connection of the host storage account, which also contains the Durable task hub. */
export const HOST_CONNECTION = 'AzureWebJobsStorage';

/** App setting that names the task hub, which host.json reads as `%TASKHUB_NAME%`. */
export const TASK_HUB_SETTING = 'TASKHUB_NAME';

/** Queue on the data account that receives `Microsoft.Storage.BlobCreated` events for manifests. */
export const BLOB_CREATED_QUEUE = 'blob-created';

export const INPUT_CONTAINER = 'input';
export const RESULTS_CONTAINER = 'results';
export const WORK_CONTAINER = 'work';

/** Blob name, under `input/<batchId>/`, whose creation commits a batch. */
export const MANIFEST_BLOB_NAME = '_manifest.json';

/** Container on the host account that Flex Consumption deploys the app package from. */
export const DEPLOYMENT_CONTAINER = 'app-package';

/** Container on the data account where Event Grid writes the events it could not deliver. */
export const DEAD_LETTER_CONTAINER = 'event-dead-letter';
