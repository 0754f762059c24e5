import { Command, Option } from 'commander';
import * as commands from './cli-commands';
import { DEFAULT_API_URL, GlobalFlags } from './cli-context';
import { runCommand } from './errors';
import { appendListOption } from './manifest';
import { useCliLocation } from './stack-options';

type Flags = GlobalFlags & Record<string, string>;

/** Wraps a command body so that its options include the global ones and failures print one line. */
function action(body: (args: string[], flags: Flags) => Promise<number | void>) {
  return (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const positional = args.slice(0, -2) as string[];
    const flags = command.optsWithGlobals<Flags>();
    if (flags.url !== undefined) {
      flags.urlSource = command.getOptionValueSourceWithGlobals('url') === 'env' ? 'env' : 'cli';
    }
    const keySource = command.getOptionValueSourceWithGlobals('key') === 'env' ? 'env' : 'cli';
    useCliLocation({ ...flags, keySource });
    return runCommand(() => body(positional, flags));
  };
}

const program = new Command('fanout')
  .description('Upload, start, follow and manage fan-out/fan-in batches, locally or on Azure')
  .addOption(
    new Option(
      '--url <url>',
      `origin of the Function App (default: the running stack in DIR/stack.json, then ${DEFAULT_API_URL})`,
    ).env('FANOUT_URL'),
  )
  .addOption(new Option('--key <key>', 'function key for the Function App on Azure').env('FANOUT_KEY'))
  .option(
    '--connection-string <value>',
    'data storage connection string (default: DataStorage, AzureWebJobsStorage, the Azurite of the running stack ' +
      "in DIR/stack.json, then Azurite's default ports)",
  )
  .option('--account <name>', 'data storage account on Azure, reached with DefaultAzureCredential')
  .addOption(
    new Option('--data <dir>', 'data folder DIR where npm start records the running stack in stack.json')
      .env('FANOUT_DATA')
      .default('.data'),
  )
  .showHelpAfterError('(run with --help for usage)')
  .configureHelp({ showGlobalOptions: true });

program
  .command('upload')
  .description('upload the files of DIR to input/<batch>/, then the manifest, whose arrival starts the batch')
  .argument('<dir>', 'folder of CSV or NDJSON files; DIR/_manifest.json is used when present')
  .requiredOption('--batch <id>', 'batch id: 1 to 63 characters of a-z, 0-9 and -')
  .option('--group-by <columns>', 'comma-separated columns that form the group key; repeats append', appendListOption)
  .option('--metrics <columns>', 'comma-separated numeric columns to aggregate; repeats append', appendListOption)
  .option('--format <format>', 'csv or ndjson (default: by file extension)')
  .option('--quantiles <list>', 'comma-separated quantiles (default 0.5,0.95,0.99); repeats append', appendListOption)
  .option('--tolerated-failure-percentage <n>', 'percentage of failed files (0-100) the batch tolerates (default 0)')
  .option('--all-files', 'also upload dotfiles and files that are not .csv, .ndjson or .jsonl')
  .option('--start-timeout <seconds>', 'seconds to wait for the run of the uploaded manifest to start', '60')
  .option('--no-wait', 'return after the upload instead of waiting for the run that the manifest starts')
  .option(
    '--data-only',
    'upload only the data files and leave _manifest.json as it is, so no run starts; then run redrive or start',
  )
  .action(action(([dir], flags) => commands.uploadCommand(dir, flags as Flags & { batch: string })));

program
  .command('start')
  .description('start a batch whose files are already uploaded (POST /api/batches/{id})')
  .argument('<id>', 'batch id')
  .option('--json', "print the API's response with the Durable management URLs instead of the run id")
  .action(action(([id], flags) => commands.startCommand(id, flags)));

program
  .command('status')
  .description('print the batch orchestration status as JSON')
  .argument('<id>', 'batch id')
  .action(action(([id], flags) => commands.statusCommand(id, flags)));

program
  .command('wait')
  .description('follow a batch with a progress line; exit 0 completed, 1 failed, 2 terminated, 3 timed out')
  .argument('<id>', 'batch id')
  .option('--timeout <seconds>', 'give up after this many seconds')
  .option('--interval <seconds>', 'seconds between status requests', '1')
  .option('--start-timeout <seconds>', 'seconds to wait for a batch that has not started yet', '60')
  .option('--run <id>', 'follow this run (upload prints its id); another run counts as not started yet')
  .option('--etag <etag>', 'follow the run of the _manifest.json with this ETag')
  .action(action(([id], flags) => commands.waitCommand(id, flags)));

program
  .command('raise-event')
  .description('raise an external event on the batch orchestration')
  .argument('<id>', 'batch id')
  .argument('<name>', 'event name')
  .argument('<json>', 'event data as JSON, for example \'{"approved":true}\'')
  .action(action(([id, name, json], flags) => commands.raiseEventCommand(id, name, json, flags)));

program
  .command('terminate')
  .description('terminate a running batch')
  .argument('<id>', 'batch id')
  .option('--reason <text>', 'reason recorded in the orchestration output', 'terminated from the CLI')
  .action(action(([id], flags) => commands.terminateCommand(id, flags as Flags & { reason: string })));

program
  .command('purge')
  .description('delete the batch orchestration history (input and results blobs stay)')
  .argument('<id>', 'batch id')
  .action(action(([id], flags) => commands.purgeCommand(id, flags)));

program
  .command('redrive')
  .description('reprocess only the files listed in results/<id>/failed.jsonl')
  .argument('<id>', 'batch id')
  .option('--json', "print the API's response with the Durable management URLs instead of the run id")
  .action(action(([id], flags) => commands.redriveCommand(id, flags)));

program
  .command('result')
  .description('print results/<id>/summary.json, or save it with --out')
  .argument('<id>', 'batch id')
  .option('--out <file>', 'write summary.json to this file instead of printing it')
  .action(action(([id], flags) => commands.resultCommand(id, flags)));

program.parseAsync().catch(() => undefined);
