import type { OrchestratorStateJson } from './actions';
import { truncateUtf8 } from './activity-result';
import type { FunctionCatalog, DurableFunctionKind } from './function-catalog';
import type { HistoryEvent } from './history';
import type { DecodedState } from './orchestrator-state';
import type { Operation, ReplayContext } from './replay/operations';
import { ShadowReplay } from './replay/shadow-replay';
import type { DurableSettings } from './settings';

/** Outcome of an episode, decided from the OrchestratorState and the shadow replay. */
export type EpisodeDecision =
  | { kind: 'waiting'; operations: Operation[]; customStatus: string | null; nextId: number }
  | { kind: 'completed'; operations: Operation[]; customStatus: string | null; nextId: number; output: string }
  | {
      kind: 'continuedAsNew';
      operations: Operation[];
      customStatus: string | null;
      nextId: number;
      input: string | null;
      carriedEvents: HistoryEvent[];
    }
  | {
      kind: 'failed';
      operations: Operation[];
      customStatus: string | null;
      nextId: number;
      reason: string;
      details: string;
    };

export interface DecisionInput {
  orchestratorName: string;
  decoded: DecodedState;
  history: HistoryEvent[];
  previousCustomStatus: string | null;
  replayContext: ReplayContext;
  settings: DurableSettings;
  catalog: FunctionCatalog;
}

const kindOfOperation: Record<Operation['kind'], DurableFunctionKind | undefined> = {
  activity: 'activity',
  subOrchestration: 'orchestration',
  entityMessage: 'entity',
  timer: undefined,
};

function failed(
  input: DecisionInput,
  message: string,
  customStatus: string | null,
  operations: Operation[] = [],
): EpisodeDecision {
  const limit = input.settings.maxErrorMessageBytes;
  const reason = truncateUtf8(`Orchestrator function '${input.orchestratorName}' failed: ${message}`, limit);
  const details = JSON.stringify({ Message: truncateUtf8(message, limit) });
  return { kind: 'failed', operations, customStatus, nextId: 0, reason, details };
}

/** Returns the first new operation that names an unknown function, as the extension's message. */
function unknownFunction(operations: Operation[], catalog: FunctionCatalog): string | undefined {
  for (const op of operations) {
    const kind = kindOfOperation[op.kind];
    if (!kind || op.name === 'BuiltIn::HttpActivity') {
      continue;
    }
    const name = kind === 'entity' ? entityName(op) : op.name;
    const resolved = catalog.resolve(kind, name);
    if (!resolved) {
      return catalog.unknownMessage(kind, name);
    }
    if (kind !== 'entity') {
      op.name = resolved;
    }
  }
  return undefined;
}

function entityName(op: Operation): string {
  return (op.entity?.target ?? '').split('@')[1] ?? '';
}

function customStatusOf(state: OrchestratorStateJson): string | null {
  return state.customStatus === undefined || state.customStatus === null ? null : JSON.stringify(state.customStatus);
}

/**
 * Decides the outcome of an episode: replays the returned actions to find the new operations and check
 * determinism, then applies the OrchestratorState rules (error fails, isDone completes or continues as new).
 */
export function decideEpisode(input: DecisionInput): EpisodeDecision {
  if ('failure' in input.decoded) {
    return failed(input, input.decoded.failure, input.previousCustomStatus);
  }
  const state = input.decoded.state;
  const customStatus = customStatusOf(state);
  const actions = state.actions.length === 1 ? state.actions[0] : state.actions.flat();
  let replay;
  try {
    replay = new ShadowReplay(actions, input.replayContext).run(input.history);
  } catch (error) {
    return failed(input, (error as Error).message, customStatus);
  }
  if (replay.nonDeterminism) {
    return failed(input, replay.nonDeterminism, customStatus);
  }
  if (replay.divergence && !state.error) {
    return failed(input, `internal replay error: ${replay.divergence}`, customStatus);
  }
  const unknown = unknownFunction(replay.newOperations, input.catalog);
  if (unknown) {
    return failed(input, unknown, customStatus);
  }
  if (replay.allocatedIds > input.settings.maxOrchestrationActions) {
    const limit = input.settings.maxOrchestrationActions;
    return failed(
      input,
      `the orchestration scheduled more than maxOrchestrationActions (${limit}) operations`,
      customStatus,
    );
  }
  const base = { operations: replay.newOperations, customStatus, nextId: replay.allocatedIds };
  if (state.error) {
    return { ...failed(input, state.error, customStatus, replay.newOperations), nextId: replay.allocatedIds };
  }
  if (!state.isDone) {
    return { kind: 'waiting', ...base };
  }
  if (replay.continueAsNewInput !== undefined) {
    return {
      kind: 'continuedAsNew',
      ...base,
      input: replay.continueAsNewInput,
      carriedEvents: replay.unconsumedEvents,
    };
  }
  return { kind: 'completed', ...base, output: JSON.stringify(state.output ?? null) };
}
