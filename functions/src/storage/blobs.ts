import { BlobServiceClient, ContainerClient, RestError } from '@azure/storage-blob';
import { getBlobServiceClient } from './clients';

const createdContainers = new WeakMap<BlobServiceClient, Set<string>>();

/** Returns a client for `container` of the data storage account, creating the container once per process. */
export async function containerClient(container: string, service = getBlobServiceClient()): Promise<ContainerClient> {
  const client = service.getContainerClient(container);
  let created = createdContainers.get(service);
  if (!created) {
    created = new Set();
    createdContainers.set(service, created);
  }
  if (!created.has(container)) {
    await client.createIfNotExists();
    created.add(container);
  }
  return client;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

/** Reads a blob's bytes; undefined when the blob does not exist. */
export async function readBytes(
  container: string,
  name: string,
): Promise<{ bytes: Buffer; etag?: string } | undefined> {
  const client = (await containerClient(container)).getBlobClient(name);
  try {
    const response = await client.download();
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
    return { bytes: Buffer.concat(chunks), etag: response.etag };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Reads a blob as UTF-8 text; undefined when the blob does not exist. */
export async function readText(container: string, name: string): Promise<{ text: string; etag?: string } | undefined> {
  const blob = await readBytes(container, name);
  return blob === undefined ? undefined : { text: blob.bytes.toString('utf8'), etag: blob.etag };
}

export async function readJson<T>(container: string, name: string): Promise<T | undefined> {
  const blob = await readText(container, name);
  return blob === undefined ? undefined : (JSON.parse(blob.text) as T);
}

/**
 * Uploads UTF-8 text. A container deleted after this process created it is created again, once, so a cleanup of
 * `work` or `results` does not fail every later write.
 */
export async function writeText(
  container: string,
  name: string,
  text: string,
  contentType: string,
  metadata?: Record<string, string>,
): Promise<void> {
  const containerClientForWrite = await containerClient(container);
  const client = containerClientForWrite.getBlockBlobClient(name);
  const body = Buffer.from(text, 'utf8');
  const upload = () =>
    client.upload(body, body.length, { blobHTTPHeaders: { blobContentType: contentType }, metadata });
  try {
    await upload();
  } catch (error) {
    if (!(error instanceof RestError && error.code === 'ContainerNotFound')) throw error;
    await containerClientForWrite.createIfNotExists();
    await upload();
  }
}

export async function writeJson(
  container: string,
  name: string,
  value: unknown,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeText(container, name, JSON.stringify(value), 'application/json', metadata);
}
