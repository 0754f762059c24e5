import type { DurableSettings } from './settings';
import { formatTimeSpan } from './timespan';

export interface PayloadParts {
  /** JSON of the played events joined with commas (no brackets), each with `IsPlayed: true`. */
  playedJson: string;
  /** JSON of this episode's new events, each with `IsPlayed: false`. */
  newJsons: string[];
  /** JSON text of the orchestration input, null when absent. */
  input: string | null;
  instanceId: string;
  parentInstanceId: string | null;
}

/**
 * Builds the orchestration trigger payload text. The played part is spliced in as cached text, so an
 * episode serializes only its new events. Schema V4 is offered (`upperSchemaVersionNew: 3`), which
 * makes the SDK split long timers and poll HTTP 202 responses itself.
 */
export function buildOrchestrationPayload(parts: PayloadParts, settings: DurableSettings): string {
  const added = parts.newJsons.join(',');
  const history = parts.playedJson && added ? `${parts.playedJson},${added}` : parts.playedJson || added;
  const tail = {
    instanceId: parts.instanceId,
    isReplaying: parts.playedJson.length > 0,
    parentInstanceId: parts.parentInstanceId,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 3,
    longRunningTimerIntervalDuration: formatTimeSpan(settings.longRunningTimerIntervalMs),
    maximumShortTimerDuration: formatTimeSpan(settings.maximumShortTimerDurationMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: settings.defaultAsyncRequestSleepTimeMs,
  };
  return `{"history":[${history}],"input":${parts.input ?? 'null'},${JSON.stringify(tail).slice(1)}`;
}
