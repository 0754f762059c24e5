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
function shellWord(word: string): string {
  return /^[\w./:=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Returns an npm command with the stack options that differ from the defaults, such as `npm start -- --port 17400`. */
export function npmCommandFor(script: 'start' | 'run demo', flags: StackFlags): string {
  const stackArgs = nonDefaultStackArgs(flags);
  return stackArgs.length === 0 ? `npm ${script}` : `npm ${script} -- ${stackArgs.join(' ')}`;
}
