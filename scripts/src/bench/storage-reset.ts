import type { Storage } from '../storage';

const DELETE_CONCURRENCY = 32;

/**
 * Deletes every blob under `prefix` in `container`. The bench calls it between runs because reads of Azurite
 * 3.35 with in-memory storage get slower as blobs accumulate: on this machine a read took 1.3 ms of Azurite
 * CPU with 2,000 blobs stored and 8.3 ms with 20,000.
 */
export async function deleteBlobs(storage: Storage, container: string, prefix: string): Promise<number> {
  const client = storage.blobs.getContainerClient(container);
  const names: string[] = [];
  for await (const blob of client.listBlobsFlat({ prefix })) names.push(blob.name);

  let next = 0;
  const worker = async () => {
    for (let index = next++; index < names.length; index = next++) {
      await client.getBlobClient(names[index]).deleteIfExists();
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, names.length) }, worker));
  return names.length;
}
