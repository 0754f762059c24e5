import Database from 'better-sqlite3';
import path from 'node:path';

/**
 * Remembers the ETag of every blob a watcher has published, so a restart does not publish it again while an
 * overwrite (new ETag) is published once more. Also hands out the event `sequencer`, which only grows.
 */
export class BlobEventStore {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string, string], { etag: string }>;
  readonly #put: Database.Statement<[string, string, string]>;
  readonly #nextSequence: Database.Statement<[], { value: number }>;

  constructor(dataDir: string) {
    this.#db = new Database(path.join(dataDir, 'blob-events.sqlite'));
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS published_blobs (
        container_url TEXT NOT NULL,
        blob_name TEXT NOT NULL,
        etag TEXT NOT NULL,
        PRIMARY KEY (container_url, blob_name)
      );
      CREATE TABLE IF NOT EXISTS sequencer (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
      INSERT OR IGNORE INTO sequencer (id, value) VALUES (1, 0);
    `);
    this.#get = this.#db.prepare('SELECT etag FROM published_blobs WHERE container_url = ? AND blob_name = ?');
    this.#put = this.#db.prepare(
      `INSERT INTO published_blobs (container_url, blob_name, etag) VALUES (?, ?, ?)
       ON CONFLICT (container_url, blob_name) DO UPDATE SET etag = excluded.etag`,
    );
    this.#nextSequence = this.#db.prepare('UPDATE sequencer SET value = value + 1 WHERE id = 1 RETURNING value');
  }

  publishedEtag(containerUrl: string, blobName: string): string | undefined {
    return this.#get.get(containerUrl, blobName)?.etag;
  }

  markPublished(containerUrl: string, blobName: string, etag: string): void {
    this.#put.run(containerUrl, blobName, etag);
  }

  /** Next sequencer value as Event Grid writes it: 32 hexadecimal digits. */
  nextSequencer(): string {
    const value = this.#nextSequence.get()?.value ?? 0;
    return value.toString(16).padStart(32, '0');
  }

  close(): void {
    this.#db.close();
  }
}
