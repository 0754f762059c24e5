/**
 * Storage names and settings of the Function App, repeated here because `scripts/` compiles on its
 * own. They mirror `functions/src/settings.ts`; `test/scripts/names.test.ts` fails when they drift.
 */
export const DATA_CONNECTION = 'DataStorage';
export const HOST_CONNECTION = 'AzureWebJobsStorage';
export const TASK_HUB_SETTING = 'TASKHUB_NAME';
export const BLOB_CREATED_QUEUE = 'blob-created';
export const INPUT_CONTAINER = 'input';
export const RESULTS_CONTAINER = 'results';
export const WORK_CONTAINER = 'work';
export const MANIFEST_BLOB_NAME = '_manifest.json';

/** Task hub name the local stack uses unless `TASKHUB_NAME` is set. */
export const LOCAL_TASK_HUB = 'fanoutlocal';

/** Default local ports: the Core Tools port for the API and Azurite's documented defaults. */
export const DEFAULT_PORTS = { api: 7071, blob: 10000, queue: 10001, table: 10002 } as const;
