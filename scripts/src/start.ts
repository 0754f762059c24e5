import { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { runCommand } from './errors';
import { addStackFlags, dataDir, npmCommandFor, StackFlags, stackPorts } from './stack-options';
import { CliError } from './errors';
import {
  assertDataDirFree,
  requestedWorkers,
  removeStackRecord,
  StackRecord,
  startLocalStorage,
  startStack,
  WORKERS_HELP,
  writeStackRecord,
} from './stack';

interface StartFlags extends StackFlags {
  storageOnly?: boolean;
  workers?: string;
}

/** Runs Azurite and the local host on the Function App (`npm start`) until Ctrl-C. */
async function main(flags: StartFlags): Promise<void> {
  const workers = requestedWorkers(flags.workers);
  const dir = dataDir(flags);
  await mkdir(dir, { recursive: true });
  const ports = stackPorts(flags);
  await assertDataDirFree(dir);
  // A signal during startup exits at once; the exit hook then terminates the children started so far.
  const exitEarly = () => process.exit(130);
  process.once('SIGINT', exitEarly);
  process.once('SIGTERM', exitEarly);
  const started = () => {
    process.off('SIGINT', exitEarly);
    process.off('SIGTERM', exitEarly);
  };
  if (flags.storageOnly) {
    const azurite = await startLocalStorage({ dataDir: dir, ports });
    started();
    printLines([`Storage    ${azurite.connectionString}`, `Data       ${dir}`, '', 'Stop: Ctrl-C']);
    await untilSignal();
    await azurite.stop();
    return;
  }

  const stack = await startStack({ dataDir: dir, ports, hostLog: 'inherit', workers });
  started();
  const record: StackRecord = {
    apiUrl: stack.apiUrl,
    connectionString: stack.connectionString,
    pid: process.pid,
    hostPid: stack.hostPid,
    ports,
    workers,
  };
  await writeStackRecord(dir, record);
  const demoCommand = npmCommandFor('run demo', flags);
  printLines([
    `API        ${stack.apiUrl}/api/batches/{batchId}`,
    `Durable    ${stack.apiUrl}/runtime/webhooks/durabletask/instances`,
    `Dashboard  ${stack.dashboardUrl}`,
    `Storage    ${stack.connectionString}`,
    `Data       ${dir}`,
    '',
    `Try: ${demoCommand}   (in another terminal)        Stop: Ctrl-C`,
  ]);
  const hostDied = await Promise.race([untilSignal().then(() => undefined), stack.hostExited]);
  if (hostDied) process.stdout.write('the host stopped: stopping Azurite...\n');
  else process.stdout.write('stopping the host and Azurite...\n');
  await stack.stop();
  await removeStackRecord(dir, record);
  if (hostDied) throw new CliError(hostDied);
}

function printLines(lines: string[]): void {
  process.stdout.write(['', ...lines, ''].join('\n') + '\n');
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

const program = addStackFlags(new Command('start'))
  .description('Start Azurite and the local Functions host on the Function App in functions/')
  .option('--storage-only', 'start only Azurite, with the containers and queue the app needs (for Core Tools)')
  .option('--workers <n>', WORKERS_HELP)
  .action((flags: StartFlags) => runCommand(() => main(flags)));

program.parseAsync().catch(() => undefined);
