/**
 * Records the dashboard reads from the durable engine: orchestration instances and the activity work items they
 * scheduled. Instance times are ISO 8601 strings in UTC. Activity times are epoch milliseconds, because a batch
 * can have tens of thousands of activities to sort and bucket. `null` means the event has not happened yet.
 */

export interface OrchestrationRecord {
  instanceId: string;
  /** Orchestrator function name. */
  name: string;
  /** Management API status name: Pending, Running, Completed, Failed, Terminated, ... */
  runtimeStatus: string;
  /** Instance that started this one as a sub-orchestration; `null` for a top-level instance. */
  parentInstanceId: string | null;
  createdTime: string;
  lastUpdatedTime: string;
  /** Parsed custom status, `null` when unset. */
  customStatus: unknown;
  /** Parsed output: the result when Completed, the failure reason when Failed. */
  output: unknown;
}

export type ActivityStatus = 'scheduled' | 'running' | 'completed' | 'failed';

/** One attempt of one activity call; a retried call yields one record per attempt. */
export interface ActivityRecord {
  /** Orchestration instance that scheduled the activity. */
  instanceId: string;
  /** Activity function name. */
  name: string;
  /** Parsed activity input. */
  input: unknown;
  status: ActivityStatus;
  scheduledAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** Parsed activity result when completed. */
  result: unknown;
  /** Failure reason when the activity threw. */
  failure: string | null;
}

/** Read access to the task hub; implementations must not change it. */
export interface DashboardSource {
  listOrchestrations(): Promise<OrchestrationRecord[]>;
  /** Activities scheduled by any of the given instances, in any order. */
  listActivities(instanceIds: readonly string[]): Promise<ActivityRecord[]>;
}
