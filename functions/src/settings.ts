/**
 * Names shared by the code, the infrastructure and the local host. The infra tests compare the
 * synthesized stack against these values, so a rename here must be a rename there.
 */

/** Connection prefix of the data storage account (`DataStorage` or `DataStorage__accountName`, ...). */
export const DATA_CONNECTION = 'DataStorage';

/** Connection of the host storage account that contains the task hub. */
export const HOST_CONNECTION = 'AzureWebJobsStorage';

/** App setting that names the task hub; host.json reads it as `%TASKHUB_NAME%`. */
export const TASK_HUB_SETTING = 'TASKHUB_NAME';

/** Queue that receives Event Grid `Microsoft.Storage.BlobCreated` events for manifests. */
export const BLOB_CREATED_QUEUE = 'blob-created';

export const INPUT_CONTAINER = 'input';
export const RESULTS_CONTAINER = 'results';
export const WORK_CONTAINER = 'work';

/** Blob name, under `input/<batchId>/`, whose creation commits a batch. */
export const MANIFEST_BLOB_NAME = '_manifest.json';

/** App setting that caps the files of a batch whose manifest has no `maxItems`. */
export const MAX_FILES_SETTING = 'BATCH_MAX_FILES';

/** Files a batch may have when the manifest has no `maxItems` and `BATCH_MAX_FILES` is not set. */
export const DEFAULT_MAX_FILES = 100000;
