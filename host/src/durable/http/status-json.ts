import type { HistoryEvent } from '../history';
import type { InstanceRow } from '../store';
import { projectHistory } from './history-projection';
import { parseLenient } from './json-text';

/** Time in the status format of the extension: seconds precision, `Z` suffix. */
export function statusTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface StatusOptions {
  showInput: boolean;
  history?: { events: HistoryEvent[]; showHistoryOutput: boolean };
}

/** Builds the status object of the HTTP API, which always contains `input`, `customStatus` and `output`. */
export function statusJson(instance: InstanceRow, options: StatusOptions): Record<string, unknown> {
  const hasOutput = ['Completed', 'Failed', 'Terminated'].includes(instance.status);
  const status: Record<string, unknown> = {
    name: instance.name,
    instanceId: instance.instance_id,
    runtimeStatus: instance.status,
    input: options.showInput ? parseLenient(instance.input) : null,
    customStatus: parseLenient(instance.custom_status),
    output: hasOutput ? parseLenient(instance.output) : null,
    createdTime: statusTime(instance.created_at),
    lastUpdatedTime: statusTime(instance.updated_at),
  };
  if (options.history && instance.status !== 'Pending') {
    status.historyEvents = projectHistory(options.history.events, options.showInput, options.history.showHistoryOutput);
  }
  return status;
}
