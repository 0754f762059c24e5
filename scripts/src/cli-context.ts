import path from 'node:path';
import { ApiOptions } from './api';
import { CliError } from './errors';
import { azuriteConnectionString } from './azurite';
import { DATA_CONNECTION, DEFAULT_PORTS, HOST_CONNECTION } from './names';
import { openStorage, Storage } from './storage';
import { isProcessAlive, loadStackRecord, StackRecord, stackRecordPath } from './stack';

/** Options every CLI command accepts: where the Function App and its data storage are. */
export interface GlobalFlags {
  url?: string;
  /** Source of `url`: the command line or the FANOUT_URL environment variable. */
  urlSource?: 'cli' | 'env';
  key?: string;
  connectionString?: string;
  account?: string;
  data?: string;
}

export const DEFAULT_API_URL = `http://127.0.0.1:${DEFAULT_PORTS.api}`;

const DEFAULT_CONNECTION_STRING = azuriteConnectionString(DEFAULT_PORTS.blob, DEFAULT_PORTS.queue, DEFAULT_PORTS.table);

/**
 * Resolves the Function App's origin: --url, then FANOUT_URL, then the running stack that `npm start` recorded in
 * `<data>/stack.json`, then port 7071. A stack.json whose process has exited is ignored, as a missing one is.
 */
export async function apiOptions(flags: GlobalFlags): Promise<ApiOptions> {
  if (flags.url) {
    const source = flags.urlSource === 'env' ? 'FANOUT_URL' : '--url';
    assertHttpUrl(flags.url, source);
    return { url: flags.url, key: flags.key, origin: `the URL from ${source}` };
  }
  const stack = await recordedStack(flags, 'or pass --url');
  if (stack.running) {
    assertHttpUrl(
      stack.running.apiUrl,
      `apiUrl in ${stack.file}`,
      "start the stack again with 'npm start', or pass --url",
    );
    return { url: stack.running.apiUrl, key: flags.key, origin: `the URL from ${stack.file}` };
  }
  const origin =
    stack.stoppedPid === undefined
      ? 'the default URL'
      : `the default URL because the stack in ${stack.file} has stopped (pid ${stack.stoppedPid})`;
  return { url: DEFAULT_API_URL, key: flags.key, origin };
}

/**
 * Throws a CliError naming the value and its source unless it is an http or https origin. A path, query or fragment
 * is rejected, because the CLI appends the API routes to the origin and a 404 there would read as "no run".
 */
function assertHttpUrl(value: string, source: string, fix?: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const example = 'such as http://127.0.0.1:7071 or https://<app>.azurewebsites.net';
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new CliError(
      `invalid ${source} '${value}': expected the Function App's origin in the form http://host:port, ${example}` +
        (fix ? `; ${fix}` : ''),
    );
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new CliError(
      `invalid ${source} '${value}': expected the Function App's origin without a path, query or fragment, ` +
        `in the form http://host:port, ${example}${fix ? `; ${fix}` : ''}`,
    );
  }
}

/**
 * Opens the data storage: --account (Entra ID), then --connection-string, then the DataStorage and
 * AzureWebJobsStorage settings, then the Azurite of the running stack in `<data>/stack.json`, then Azurite's
 * default ports.
 */
export async function storageFor(flags: GlobalFlags): Promise<Storage> {
  if (flags.account) return openStorage({ account: flags.account, origin: 'the account from --account' });
  if (flags.connectionString) {
    return openStorage({
      connectionString: flags.connectionString,
      origin: 'the connection string from --connection-string',
    });
  }
  for (const setting of [DATA_CONNECTION, HOST_CONNECTION]) {
    const connectionString = process.env[setting];
    if (connectionString) {
      return openStorage({ connectionString, origin: `the connection string from the ${setting} setting` });
    }
  }
  const stack = await recordedStack(flags, 'or pass --connection-string');
  if (stack.running?.connectionString) {
    return openStorage({
      connectionString: stack.running.connectionString,
      origin: `the connection string from ${stack.file}`,
    });
  }
  const origin =
    stack.stoppedPid === undefined
      ? `the default Azurite address, because ${stack.file} records no running stack`
      : `the default Azurite address, because the stack in ${stack.file} has stopped (pid ${stack.stoppedPid})`;
  return openStorage({ connectionString: DEFAULT_CONNECTION_STRING, origin });
}

/**
 * Opens the data storage as `storageFor` does, or returns undefined when nothing names it and `--url` or FANOUT_URL
 * points to an API off this machine: Azurite's default address would then be a guess that takes the SDK's retries
 * to fail. Commands use it for what they only add to their output, such as a finished run's row counts.
 */
export async function optionalStorageFor(flags: GlobalFlags): Promise<Storage | undefined> {
  const named =
    flags.account !== undefined ||
    flags.connectionString !== undefined ||
    [DATA_CONNECTION, HOST_CONNECTION].some((setting) => Boolean(process.env[setting]));
  if (!named && flags.url !== undefined && !isLocalUrl(flags.url)) return undefined;
  return storageFor(flags);
}

function isLocalUrl(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Contents of `<data>/stack.json`: the record of a running `npm start`, or the pid of a stopped one. */
interface RecordedStack {
  file: string;
  running?: StackRecord;
  stoppedPid?: number;
}

/**
 * Reads `<data>/stack.json` and checks that its `npm start` process runs. A file that cannot be read or parsed
 * is a CliError that names it and ends with `alternative`, the option that makes the file unnecessary.
 */
async function recordedStack(flags: GlobalFlags, alternative: string): Promise<RecordedStack> {
  const dataDir = path.resolve(flags.data ?? '.data');
  const file = stackRecordPath(dataDir);
  let record: StackRecord | undefined;
  try {
    record = await loadStackRecord(dataDir);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    throw new CliError(`${error.message}: start the stack with 'npm start', which rewrites the file, ${alternative}`);
  }
  if (!record) return { file };
  return isProcessAlive(record.pid) ? { file, running: record } : { file, stoppedPid: record.pid };
}
