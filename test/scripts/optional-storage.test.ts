import { optionalStorageFor } from '../../scripts/src/cli-context';

describe('optionalStorageFor', () => {
  const saved = { DataStorage: process.env.DataStorage, AzureWebJobsStorage: process.env.AzureWebJobsStorage };

  beforeEach(() => {
    delete process.env.DataStorage;
    delete process.env.AzureWebJobsStorage;
  });

  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  });

  it('skips storage for a remote API', async () => {
    expect(await optionalStorageFor({ url: 'https://fanout-prod.azurewebsites.net' })).toBeUndefined();
  });

  it('opens named storage for a remote API', async () => {
    const storage = await optionalStorageFor({
      url: 'https://fanout-prod.azurewebsites.net',
      account: 'fanoutproddata',
    });
    expect(storage?.blobs.url).toBe('https://fanoutproddata.blob.core.windows.net/');
  });

  it.each(['http://127.0.0.1:7071', 'http://localhost:7071', 'http://[::1]:7071'])(
    'opens storage for the local API %s',
    async (url) => {
      const storage = await optionalStorageFor({ url, data: '/nonexistent-fanout-data' });
      expect(storage?.blobs.url).toBe('http://127.0.0.1:10000/devstoreaccount1');
    },
  );
});
