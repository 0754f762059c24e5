import { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { runCommand } from './errors';
import { addStackFlags, dataDir, StackFlags, stackPorts } from './stack-options';
import { removeStackRecord, startStack, writeStackRecord } from './stack';

/** `npm start`: Azurite and the local host on the Function App, until Ctrl-C. */
async function main(flags: StackFlags): Promise<void> {
  const dir = dataDir(flags);
  await mkdir(dir, { recursive: true });
  const stack = await startStack({ dataDir: dir, ports: stackPorts(flags), hostLog: 'inherit' });
  await writeStackRecord(dir, { apiUrl: stack.apiUrl, connectionString: stack.connectionString, pid: process.pid });

  process.stdout.write(
    [
      '',
      `API        ${stack.apiUrl}/api/batches/{batchId}`,
      `Durable    ${stack.apiUrl}/runtime/webhooks/durabletask/instances`,
      `Dashboard  ${stack.dashboardUrl}`,
      `Storage    ${stack.connectionString}`,
      `Data       ${dir}`,
      '',
      'Try: npm run demo   (in another terminal)        Stop: Ctrl-C',
      '',
    ].join('\n'),
  );

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('stopping the host and Azurite...\n');
  await stack.stop();
  await removeStackRecord(dir);
}

const program = addStackFlags(new Command('start'))
  .description('Start Azurite and the local Functions host on the Function App in functions/')
  .action((flags: StackFlags) => runCommand(() => main(flags)));

program.parseAsync().catch(() => undefined);
