import { containerClient, isNotFound } from '../storage/blobs';
import { INPUT_CONTAINER, MANIFEST_BLOB_NAME } from '../settings';

export function manifestBlobName(batchId: string): string {
  return `${batchId}/${MANIFEST_BLOB_NAME}`;
}

/** Strips the quotes and weak prefix, so Event Grid's `0x8D...` and the blob service's `"0x8D..."` compare equal. */
export function normalizeEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/** ETag of `input/<batchId>/_manifest.json`, or undefined when the manifest does not exist. */
export async function currentManifestEtag(batchId: string): Promise<string | undefined> {
  const blob = (await containerClient(INPUT_CONTAINER)).getBlobClient(manifestBlobName(batchId));
  try {
    return normalizeEtag((await blob.getProperties()).etag);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
