import fs from 'node:fs';

/** Parsed JSON log lines of a host log file; lines that are not JSON (the function list) are skipped. */
export function logRecords(logFile: string): Record<string, unknown>[] {
  if (!fs.existsSync(logFile)) return [];
  const records: Record<string, unknown>[] = [];
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line cut by SIGKILL is not a record.
    }
  }
  return records;
}

/** Fields of the app's log events named `event` (`<event> {json}` messages), optionally of one batch. */
export function appEvents(logFile: string, event: string, batchId?: string): Record<string, unknown>[] {
  return logRecords(logFile)
    .map((record) => String(record.msg ?? ''))
    .filter((msg) => msg.startsWith(`${event} {`))
    .map((msg) => JSON.parse(msg.slice(event.length + 1)) as Record<string, unknown>)
    .filter((fields) => batchId === undefined || fields.batchId === batchId);
}
