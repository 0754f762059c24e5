import { BlobServiceClient } from '@azure/storage-blob';
import net from 'node:net';
import { startAzurite } from '../scripts/src/azurite';

describe('startAzurite', () => {
  it('serves blobs on loopback', async () => {
    const azurite = await startAzurite();
    try {
      const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
      const container = service.getContainerClient('probe');
      await container.create();
      await container.getBlockBlobClient('a.txt').upload('hello', 5);
      const body = await container.getBlobClient('a.txt').downloadToBuffer();
      expect(body.toString()).toBe('hello');
    } finally {
      await azurite.stop();
    }
  });

  it('names the port that is already taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(startAzurite({ blobPort: port })).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      server.close();
    }
  });
});
