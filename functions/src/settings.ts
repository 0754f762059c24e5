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

/** App setting that caps the files one map activity reads. */
export const MAP_GROUP_FILES_SETTING = 'MAP_GROUP_MAX_FILES';

/**
 * Files one map activity reads when `MAP_GROUP_MAX_FILES` is not set. Each activity costs an invocation, a write of
 * its partial and a read of it by the reduce, so small files are mapped several at a time.
 */
export const DEFAULT_MAP_GROUP_FILES = 32;

/** App setting that caps the bytes of the files one map activity reads; a larger file is mapped alone. */
export const MAP_GROUP_BYTES_SETTING = 'MAP_GROUP_MAX_BYTES';

/** Bytes one map activity reads when `MAP_GROUP_MAX_BYTES` is not set: 4 MiB. */
export const DEFAULT_MAP_GROUP_BYTES = 4 * 1024 * 1024;
