import { RestError } from '@azure/storage-blob';
import { SingleBar } from 'cli-progress';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors';
import { ManifestDocument } from './manifest';
import { MANIFEST_BLOB_NAME } from './names';
import { quotedCliCommand } from './stack-options';
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

/** The files of an upload folder, and the symbolic links that upload leaves out. */
export interface FolderListing {
  files: LocalFile[];
  /** One line per symbolic link that does not point to a file, naming the link and why it is left out. */
  skippedLinks: string[];
  /** True when the folder contains `_manifest.json`. */
  hasManifest: boolean;
}

/**
 * Lists the data files under a folder, recursively, leaving out the manifest. A symbolic link to a file counts as
 * that file under the link's name. A link to a folder or a broken link is left out and listed in `skippedLinks`.
 */
export async function listDataFiles(dir: string): Promise<FolderListing> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new CliError(`folder '${dir}' not found: pass a folder that contains the batch's data files`);
  if (!info.isDirectory()) {
    throw new CliError(
      `'${dir}' is a file, not a folder: pass the folder that contains the batch's data files, ` +
        `such as '${path.dirname(dir)}'`,
    );
  }

  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const listing: FolderListing = { files: [], skippedLinks: [], hasManifest: false };
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const name = path.relative(dir, full).split(path.sep).join('/');
    if (name === MANIFEST_BLOB_NAME) {
      listing.hasManifest = true;
      continue;
    }
    // stat follows a symbolic link, so a link to a file gets the size of its target.
    const target = await stat(full).then(
      (stats) => ({ stats, code: undefined }),
      (error: NodeJS.ErrnoException) => ({ stats: undefined, code: error.code ?? error.message }),
    );
    if (!target.stats) {
      listing.skippedLinks.push(`${name}: its target is missing or cannot be read (${target.code})`);
    } else if (!target.stats.isFile()) {
      const kind = target.stats.isDirectory()
        ? 'a folder, whose files upload does not follow'
        : 'something other than a file';
      listing.skippedLinks.push(`${name}: it points to ${kind}`);
    } else {
      listing.files.push({ name, path: full, bytes: target.stats.size });
    }
  }
  listing.files.sort((a, b) => a.name.localeCompare(b.name));
  listing.skippedLinks.sort();
  return listing;
}

/** Options of uploadBatch. */
export interface UploadBatchOptions {
  /**
   * Check that runs after the data files are uploaded and right before the manifest is written. It throws to leave
   * the manifest unwritten, or returns the manifest ETag that it saw (null for no manifest), and the manifest is
   * then written only while it still has that ETag.
   */
  beforeManifest?: () => Promise<string | null>;
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
  options: UploadBatchOptions = {},
): Promise<UploadSummary> {
  const started = Date.now();
  const totalBytes = await uploadFiles(storage, batchId, files);
  const seenEtag = options.beforeManifest ? await options.beforeManifest() : undefined;
  const manifestEtag = await withStorage(storage, async () => {
    const body = JSON.stringify(manifest, null, 2);
    const blob = inputContainer(storage).getBlockBlobClient(`${batchId}/${MANIFEST_BLOB_NAME}`);
    const conditions = seenEtag === undefined ? {} : seenEtag === null ? { ifNoneMatch: '*' } : { ifMatch: seenEtag };
    try {
      const response = await blob.upload(body, Buffer.byteLength(body), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        conditions,
      });
      return normalizeEtag(response.etag ?? '');
    } catch (error) {
      const changed = error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409);
      if (!changed || seenEtag === undefined) throw error;
      throw new CliError(
        `another upload wrote input/${batchId}/${MANIFEST_BLOB_NAME} while this one wrote the data files, so this ` +
          'upload left that manifest as it is, and its run may read a mix of old and new files: wait for that run ' +
          `with ${quotedCliCommand(['wait', batchId])}, then upload again`,
      );
    }
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

/** Formats a file count, such as `1 file` or `3 files`. */
export function fileCount(count: number): string {
  return `${count} file${count === 1 ? '' : 's'}`;
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

/** The ETag, without quotes, and the time of the last write of a batch's `_manifest.json`. */
export interface ManifestBlob {
  etag: string;
  lastModified?: Date;
}

/** Reads the ETag and last write time of `input/<batchId>/_manifest.json`, or undefined when the blob does not exist. */
export async function readManifestBlob(storage: Storage, batchId: string): Promise<ManifestBlob | undefined> {
  return withStorage(storage, async () => {
    try {
      const properties = await inputContainer(storage)
        .getBlobClient(`${batchId}/${MANIFEST_BLOB_NAME}`)
        .getProperties();
      if (properties.etag === undefined) return undefined;
      return { etag: normalizeEtag(properties.etag), lastModified: properties.lastModified };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  });
}

/** Returns the ETag of `input/<batchId>/_manifest.json` without quotes, or undefined when the blob does not exist. */
export async function currentManifestEtag(storage: Storage, batchId: string): Promise<string | undefined> {
  return (await readManifestBlob(storage, batchId))?.etag;
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
