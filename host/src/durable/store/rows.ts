/** Runtime statuses as the HTTP API and the JS client name them. */
export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Suspended';

export const runtimeStatuses: readonly RuntimeStatus[] = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Suspended',
];

export const terminalStatuses: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Canceled', 'Terminated']);

export function isTerminal(status: RuntimeStatus): boolean {
  return terminalStatuses.has(status);
}

export interface InstanceRow {
  instance_id: string;
  name: string;
  version: string;
  execution_id: string;
  status: RuntimeStatus;
  input: string | null;
  output: string | null;
  custom_status: string | null;
  failure_details: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  parent_instance_id: string | null;
  parent_execution_id: string | null;
  parent_task_id: number | null;
  parent_name: string | null;
  history_length: number;
}

/** Kinds of orchestration messages: ordinary new history events and the control messages. */
export type MessageKind = 'event' | 'terminate' | 'suspend' | 'resume' | 'entity';

export interface MessageRow {
  id: number;
  instance_id: string;
  execution_id: string | null;
  kind: MessageKind;
  event: string;
  created_at: number;
}

export type ActivityStatus = 'Scheduled' | 'Running' | 'Completed' | 'Failed' | 'Abandoned';

export interface ActivityRow {
  id: number;
  instance_id: string;
  execution_id: string;
  task_id: number;
  name: string;
  input: string | null;
  status: ActivityStatus;
  scheduled_at: number;
  started_at: number | null;
  completed_at: number | null;
  dispatch_count: number;
  failure_reason: string | null;
}

export interface NewMessage {
  instanceId: string;
  executionId: string | null;
  kind: MessageKind;
  event: string;
}

export interface NewInstance {
  instanceId: string;
  name: string;
  version: string;
  executionId: string;
  input: string | null;
  parent?: { instanceId: string; executionId: string; taskId: number; name: string };
  /** ExecutionStarted event JSON, queued as the first message. */
  startEvent: string;
}

export interface NewActivity {
  taskId: number;
  name: string;
  input: string | null;
}

export interface NewTimer {
  timerId: number;
  fireAt: number;
}

export interface InstanceUpdate {
  status: RuntimeStatus;
  output: string | null;
  customStatus: string | null;
  failureDetails: string | null;
  completedAt: number | null;
  /** Set on continue-as-new: the next execution replaces the history. */
  nextExecution?: { executionId: string; input: string | null; createdAt: number };
}

/** Everything one episode changes, committed in a single transaction. */
export interface EpisodeCommit {
  instanceId: string;
  executionId: string;
  consumedMessageIds: number[];
  /** History events to append, JSON with `IsPlayed: true`. */
  appendEvents: string[];
  update: InstanceUpdate;
  activities: NewActivity[];
  timers: NewTimer[];
  /** Sub-orchestrations to create (or replace when terminal). */
  instances: NewInstance[];
  messages: NewMessage[];
  /**
   * Work to drop: `timers` when the execution ends (its timers can no longer matter), `all` on terminate,
   * which also abandons queued and running activities. Activities of a completed execution still run.
   */
  releaseWork: 'none' | 'timers' | 'all';
  now: number;
}
