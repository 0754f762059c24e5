import { Command } from 'commander';
import path from 'node:path';
import { DEFAULT_PORTS } from './names';
import { parsePort } from './ports';
import { StackPorts } from './stack';

export interface StackFlags {
  port?: string;
  blobPort?: string;
  queuePort?: string;
  tablePort?: string;
  data?: string;
}

/** Adds the port and data-folder flags shared by `start` and `demo`. */
export function addStackFlags(command: Command): Command {
  return command
    .option('--port <port>', 'port of the Functions API and dashboard (env FANOUT_PORT)', process.env.FANOUT_PORT)
    .option('--blob-port <port>', 'Azurite blob port (env AZURITE_BLOB_PORT)', process.env.AZURITE_BLOB_PORT)
    .option('--queue-port <port>', 'Azurite queue port (env AZURITE_QUEUE_PORT)', process.env.AZURITE_QUEUE_PORT)
    .option('--table-port <port>', 'Azurite table port (env AZURITE_TABLE_PORT)', process.env.AZURITE_TABLE_PORT)
    .option(
      '--data <dir>',
      'folder for storage, the task hub and logs (env FANOUT_DATA)',
      process.env.FANOUT_DATA ?? '.data',
    );
}

export function stackPorts(flags: StackFlags): StackPorts {
  return {
    api: parsePort(flags.port, DEFAULT_PORTS.api, '--port'),
    blob: parsePort(flags.blobPort, DEFAULT_PORTS.blob, '--blob-port'),
    queue: parsePort(flags.queuePort, DEFAULT_PORTS.queue, '--queue-port'),
    table: parsePort(flags.tablePort, DEFAULT_PORTS.table, '--table-port'),
  };
}

export function dataDir(flags: StackFlags): string {
  return path.resolve(flags.data ?? '.data');
}

/**
 * Returns the stack flags whose value differs from the default, as shell words, so that a printed command such as
 * `npm run demo -- <flags>` reaches this stack.
 */
export function nonDefaultStackArgs(flags: StackFlags): string[] {
  const ports = stackPorts(flags);
  const args: string[] = [];
  const portFlags = [
    ['--port', 'api'],
    ['--blob-port', 'blob'],
    ['--queue-port', 'queue'],
    ['--table-port', 'table'],
  ] as const;
  for (const [flag, name] of portFlags) {
    if (ports[name] !== DEFAULT_PORTS[name]) args.push(flag, String(ports[name]));
  }
  if (dataDir(flags) !== path.resolve('.data')) args.push('--data', shellWord(flags.data ?? '.data'));
  return args;
}

/** Quotes a word for a POSIX shell when it contains characters that the shell would split or expand. */
export function shellWord(word: string): string {
  return /^[\w./:=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Returns an npm command with the stack options that differ from the defaults, such as `npm start -- --port 17400`. */
export function npmCommandFor(script: 'start' | 'run demo', flags: StackFlags): string {
  const stackArgs = nonDefaultStackArgs(flags);
  return stackArgs.length === 0 ? `npm ${script}` : `npm ${script} -- ${stackArgs.join(' ')}`;
}

/** The CLI options that located the Function App and the data storage of the command that runs. */
export interface CliLocation {
  data?: string;
  url?: string;
  /** Source of `url`: only a URL given on the command line is repeated, because FANOUT_URL stays set. */
  urlSource?: 'cli' | 'env';
  account?: string;
  connectionString?: string;
  key?: string;
  keySource?: 'cli' | 'env';
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

let currentLocation: CliLocation = {};

/** Records the options of the running CLI command, which every command it prints as a next step repeats. */
export function useCliLocation(location: CliLocation): void {
  currentLocation = { ...location };
}

/**
 * Formats a CLI command, such as `npm run cli -- wait b1 --run R --data /tmp/d2`, with the options that located the
 * stack: --data when it is not the default folder, --url when given on the command line, and --account. A connection
 * string or function key is never printed: the command shows a placeholder for it instead.
 */
export function cliCommand(words: string[], location: CliLocation = currentLocation): string {
  const args = words.map(shellWord);
  if (location.data !== undefined && path.resolve(location.data) !== path.resolve(REPO_ROOT, '.data')) {
    const absolute = path.resolve(location.data);
    const relative = path.relative(REPO_ROOT, absolute);
    const shown = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
    args.push('--data', shellWord(shown));
  }
  if (location.url !== undefined && location.urlSource !== 'env') args.push('--url', shellWord(location.url));
  if (location.account !== undefined) args.push('--account', shellWord(location.account));
  if (location.connectionString !== undefined) args.push('--connection-string', 'CONNECTION_STRING');
  if (location.key !== undefined && location.keySource === 'cli') args.push('--key', 'FUNCTION_KEY');
  return `npm run cli -- ${args.join(' ')}`;
}

/** Formats a CLI command as cliCommand does, quoted for a message: `'npm run cli -- status b1'`. */
export function quotedCliCommand(words: string[], location?: CliLocation): string {
  return `'${cliCommand(words, location)}'`;
}
