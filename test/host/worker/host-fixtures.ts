import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino, { Logger } from 'pino';

export const FIXTURE_APPS = path.resolve(__dirname, '../../fixtures/apps');

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** Creates a pino logger that keeps every record in memory, for assertions on what the host logged. */
export function captureLogs(records: LogRecord[] = []): { logger: Logger; records: LogRecord[] } {
  const logger = pino({ level: 'trace' }, { write: (line: string) => records.push(JSON.parse(line) as LogRecord) });
  return { logger, records };
}

/** Creates a temporary folder, which the caller removes with `fs.rmSync(dir, { recursive: true })`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Git-ignored folder inside the repository, so apps written there resolve the repository's node_modules. */
const GENERATED_APPS = path.resolve(__dirname, '../../../test-output/host-apps');

const writtenApps: string[] = [];

/** Writes a throwaway app (file path to content) and returns its folder; `removeWrittenApps` deletes it. */
export function writeApp(files: Record<string, string>): string {
  fs.mkdirSync(GENERATED_APPS, { recursive: true });
  const appDir = fs.mkdtempSync(path.join(GENERATED_APPS, 'app-'));
  writtenApps.push(appDir);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(appDir, file)), { recursive: true });
    fs.writeFileSync(path.join(appDir, file), content);
  }
  return appDir;
}

/** Deletes the apps this test file wrote with `writeApp`. */
export function removeWrittenApps(): void {
  for (const appDir of writtenApps.splice(0)) fs.rmSync(appDir, { recursive: true, force: true });
}
