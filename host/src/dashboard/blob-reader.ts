import { BlobServiceClient, RestError } from '@azure/storage-blob';

/** Reads a whole blob; resolves to undefined when the blob or its container does not exist. */
export type BlobReader = (container: string, name: string) => Promise<Buffer | undefined>;

export function createBlobReader(connectionString: string): BlobReader {
  const service = BlobServiceClient.fromConnectionString(connectionString);
  return async (container, name) => {
    try {
      return await service.getContainerClient(container).getBlobClient(name).downloadToBuffer();
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  };
}
