import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { ConfigurationError } from '../../functions/src/errors';
import {
  createCredential,
  getBlobServiceClient,
  getQueueServiceClient,
  resolveConnection,
} from '../../functions/src/storage';
import { RunningAzurite, startAzurite } from '../../scripts/src/azurite';

describe('resolveConnection', () => {
  it('reads a connection string', () => {
    const connection = resolveConnection('DataStorage', { DataStorage: 'UseDevelopmentStorage=true' });
    expect(connection).toEqual({ kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' });
  });

  it('falls back to the AzureWebJobs prefix', () => {
    const connection = resolveConnection('DataStorage', { AzureWebJobsDataStorage: 'UseDevelopmentStorage=true' });
    expect(connection.kind).toBe('connectionString');
  });

  it('builds public endpoints from the account name', () => {
    const connection = resolveConnection('DataStorage', {
      DataStorage__accountName: 'stdata',
      DataStorage__credential: 'managedidentity',
      DataStorage__clientId: '11111111-2222-3333-4444-555555555555',
    });
    expect(connection).toEqual({
      kind: 'identity',
      blobServiceUri: 'https://stdata.blob.core.windows.net',
      queueServiceUri: 'https://stdata.queue.core.windows.net',
      credential: 'managedidentity',
      clientId: '11111111-2222-3333-4444-555555555555',
    });
  });

  it('prefers explicit service URIs', () => {
    const connection = resolveConnection('DataStorage', {
      DataStorage__accountName: 'ignored',
      DataStorage__blobServiceUri: 'https://blob.example.test/',
      DataStorage__queueServiceUri: 'https://queue.example.test',
    });
    expect(connection).toMatchObject({
      blobServiceUri: 'https://blob.example.test',
      queueServiceUri: 'https://queue.example.test',
    });
  });

  it('names the settings when nothing is configured', () => {
    expect(() => resolveConnection('DataStorage', {})).toThrow(ConfigurationError);
    expect(() => resolveConnection('DataStorage', {})).toThrow(
      'storage connection "DataStorage" is not configured: set "DataStorage" to a connection string, ' +
        'or "DataStorage__accountName", or both "DataStorage__blobServiceUri" and "DataStorage__queueServiceUri" ' +
        '(missing: DataStorage, DataStorage__accountName)',
    );
  });

  it('names the missing queue URI', () => {
    const settings = { DataStorage__blobServiceUri: 'https://blob.example.test' };
    expect(() => resolveConnection('DataStorage', settings)).toThrow('(missing: DataStorage__queueServiceUri)');
  });

  it('rejects a service URI that is not a URL', () => {
    const settings = { DataStorage__blobServiceUri: 'blob.example', DataStorage__queueServiceUri: 'https://q.test' };
    expect(() => resolveConnection('DataStorage', settings)).toThrow(
      '"DataStorage__blobServiceUri" is not an absolute URL: "blob.example"',
    );
  });

  it('ignores blank settings', () => {
    expect(() => resolveConnection('DataStorage', { DataStorage: '  ' })).toThrow(ConfigurationError);
  });
});

describe('identity-based clients', () => {
  const settings = {
    DataStorage__accountName: 'stdata',
    DataStorage__credential: 'managedidentity',
    DataStorage__clientId: '11111111-2222-3333-4444-555555555555',
  };

  it('point at the account endpoints', () => {
    expect(getBlobServiceClient('DataStorage', settings).url).toBe('https://stdata.blob.core.windows.net/');
    expect(getQueueServiceClient('DataStorage', settings).url).toBe('https://stdata.queue.core.windows.net');
  });

  it('are cached per connection and settings', () => {
    const first = getBlobServiceClient('DataStorage', settings);
    expect(getBlobServiceClient('DataStorage', { ...settings })).toBe(first);
    expect(getBlobServiceClient('DataStorage', { ...settings, DataStorage__accountName: 'other' })).not.toBe(first);
  });

  it('use a managed identity when the credential says so', () => {
    const connection = resolveConnection('DataStorage', settings);
    expect(connection.kind).toBe('identity');
    if (connection.kind !== 'identity') return;
    expect(createCredential(connection)).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('use the default chain otherwise', () => {
    const connection = resolveConnection('DataStorage', { DataStorage__accountName: 'stdata' });
    if (connection.kind !== 'identity') throw new Error('expected an identity connection');
    expect(createCredential(connection)).toBeInstanceOf(DefaultAzureCredential);
  });
});

describe('connection-string clients on Azurite', () => {
  let azurite: RunningAzurite;

  beforeAll(async () => {
    azurite = await startAzurite();
  });

  afterAll(() => azurite.stop());

  it('write and read a blob', async () => {
    const service = getBlobServiceClient('DataStorage', { DataStorage: azurite.connectionString });
    const container = service.getContainerClient('probe');
    await container.createIfNotExists();
    await container.getBlockBlobClient('a.txt').upload('hello', 5);
    expect((await container.getBlobClient('a.txt').downloadToBuffer()).toString()).toBe('hello');
  });

  it('send a queue message', async () => {
    const service = getQueueServiceClient('DataStorage', { DataStorage: azurite.connectionString });
    const queue = service.getQueueClient('probe');
    await queue.createIfNotExists();
    await queue.sendMessage('hi');
    const received = await queue.receiveMessages();
    expect(received.receivedMessageItems[0].messageText).toBe('hi');
  });
});
