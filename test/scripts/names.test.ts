import * as settings from '../../functions/src/settings';
import * as names from '../../scripts/src/names';

describe('script names', () => {
  it.each([
    'DATA_CONNECTION',
    'HOST_CONNECTION',
    'TASK_HUB_SETTING',
    'BLOB_CREATED_QUEUE',
    'INPUT_CONTAINER',
    'RESULTS_CONTAINER',
    'WORK_CONTAINER',
    'MANIFEST_BLOB_NAME',
  ] as const)('%s matches the Function App', (name) => {
    expect(names[name]).toBe(settings[name]);
  });
});
