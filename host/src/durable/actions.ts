/** Action types of the out-of-process orchestration protocol (`actionType` values of durable-functions). */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  ScheduledSignalEntity = 10,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface HttpRequestJson {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  content?: string;
  tokenSource?: unknown;
  asynchronousPatternEnabled?: boolean;
}

/** One action as the SDK serializes it in `OrchestratorState.actions`. */
export interface ActionJson {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  version?: string;
  retryOptions?: RetryOptionsJson;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  httpRequest?: HttpRequestJson;
  operation?: string;
  compoundActions?: ActionJson[];
  lockRequestId?: string;
  lockSet?: { name: string; key: string }[];
}

/** `OrchestratorState` returned by the SDK for one episode. */
export interface OrchestratorStateJson {
  isDone: boolean;
  actions: ActionJson[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
  failureDetails?: unknown;
}
