import { RestError } from '@azure/storage-blob';
import { SingleBar } from 'cli-progress';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors';
import { ManifestDocument } from './manifest';
import { MANIFEST_BLOB_NAME } from './names';
import { inputContainer, Storage, withStorage } from './storage';

/** Blob uploads in flight at once; enough to keep Azurite and a storage account busy from one machine. */
const UPLOAD_CONCURRENCY = 8;

export interface LocalFile {
  /** Blob name relative to `input/<batchId>/`, with `/` separators. */
  name: string;
  path: string;
  bytes: number;
}

export interface UploadSummary {
  files: number;
  bytes: number;
  seconds: number;
  /** ETag of the uploaded `_manifest.json`, without quotes: the batch view shows it for the run it started. */
  manifestEtag: string;
}

/** Returns an ETag without the weak prefix and the quotes, as the batch view shows it. */
export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/** Extensions of the files the batch reads; others fail the batch as unreadable. */
const DATA_EXTENSIONS = ['.csv', '.ndjson', '.jsonl'];

/** Returns true for a file that upload leaves out unless --all-files is given: a dotfile or an unknown extension. */
export function isSkippedFile(name: string): boolean {
  const parts = name.split('/');
  if (parts.some((part) => part.startsWith('.'))) return true;
  return !DATA_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** Lists the data files under a folder, recursively, leaving out the manifest. */
export async function listDataFiles(dir: string): Promise<LocalFile[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new CliError(`folder '${dir}' not found: pass a folder that contains the batch's data files`);
  if (!info.isDirectory()) {
    throw new CliError(
      `'${dir}' is a file, not a folder: pass the folder that contains the batch's data files, ` +
        `such as '${path.dirname(dir)}'`,
    );
  }

  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: LocalFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const name = path.relative(dir, full).split(path.sep).join('/');
    if (name === MANIFEST_BLOB_NAME) continue;
    files.push({ name, path: full, bytes: (await stat(full)).size });
  }
  if (files.length === 0) throw new CliError(`folder '${dir}' has no data files: add CSV or NDJSON files to it`);
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Uploads the data files to `input/<batchId>/`, showing a progress bar on a terminal, and then the
 * manifest: the manifest's BlobCreated event starts the batch, so it must be the last blob written.
 */
export async function uploadBatch(
  storage: Storage,
  batchId: string,
  files: LocalFile[],
  manifest: ManifestDocument,
): Promise<UploadSummary> {
  const started = Date.now();
  const totalBytes = await uploadFiles(storage, batchId, files);
  const manifestEtag = await withStorage(storage, async () => {
    const body = JSON.stringify(manifest, null, 2);
    const blob = inputContainer(storage).getBlockBlobClient(`${batchId}/${MANIFEST_BLOB_NAME}`);
    const response = await blob.upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    return normalizeEtag(response.etag ?? '');
  });
  return { files: files.length, bytes: totalBytes, seconds: (Date.now() - started) / 1000, manifestEtag };
}

/**
 * Uploads only the data files to `input/<batchId>/` and leaves `_manifest.json` as it is, so no run starts and a
 * redrive, which requires the manifest of the run it redrives, still works.
 */
export async function uploadDataFiles(
  storage: Storage,
  batchId: string,
  files: LocalFile[],
): Promise<Omit<UploadSummary, 'manifestEtag'>> {
  const started = Date.now();
  const totalBytes = await uploadFiles(storage, batchId, files);
  return { files: files.length, bytes: totalBytes, seconds: (Date.now() - started) / 1000 };
}

/** Uploads files to `input/<batchId>/` with a progress bar on a terminal; returns the bytes uploaded. */
async function uploadFiles(storage: Storage, batchId: string, files: LocalFile[]): Promise<number> {
  const container = inputContainer(storage);
  const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const bar = new SingleBar({
    format: 'upload |{bar}| {percentage}% | {value}/{total} files | {megabytes} MB',
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(files.length, 0, { megabytes: '0.0' });
  let doneBytes = 0;

  try {
    await withStorage(storage, async () => {
      await container.createIfNotExists();
      const queue = [...files];
      const worker = async () => {
        for (let file = queue.shift(); file; file = queue.shift()) {
          await container.getBlockBlobClient(`${batchId}/${file.name}`).uploadFile(file.path, {
            blobHTTPHeaders: { blobContentType: contentType(file.name) },
          });
          doneBytes += file.bytes;
          bar.increment(1, { megabytes: (doneBytes / 1e6).toFixed(1) });
        }
      };
      await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, files.length) }, worker));
    });
  } finally {
    bar.stop();
  }
  return totalBytes;
}

/** Returns the ETag of `input/<batchId>/_manifest.json` without quotes, or undefined when the blob does not exist. */
export async function currentManifestEtag(storage: Storage, batchId: string): Promise<string | undefined> {
  return withStorage(storage, async () => {
    try {
      const properties = await inputContainer(storage)
        .getBlobClient(`${batchId}/${MANIFEST_BLOB_NAME}`)
        .getProperties();
      return properties.etag === undefined ? undefined : normalizeEtag(properties.etag);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  });
}

/** Lists the blob names under `input/<batchId>/` that are not in `files`, leaving out the manifest. */
export async function otherInputBlobs(storage: Storage, batchId: string, files: LocalFile[]): Promise<string[]> {
  const names = new Set(files.map((file) => file.name));
  const others: string[] = [];
  await withStorage(storage, async () => {
    const container = inputContainer(storage);
    if (!(await container.exists())) return;
    for await (const blob of container.listBlobsFlat({ prefix: `${batchId}/` })) {
      const name = blob.name.slice(batchId.length + 1);
      if (name !== MANIFEST_BLOB_NAME && !names.has(name)) others.push(name);
    }
  });
  return others;
}

function contentType(name: string): string {
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'application/x-ndjson';
  return 'application/octet-stream';
}
