import type { InvocationResult } from '../contracts';
import type { OrchestratorStateJson } from './actions';

/** Marks the OrchestratorState JSON inside the error message of a failed orchestrator invocation. */
const outOfProcDataLabel = '\n\n$OutOfProcData$:';

export type DecodedState = { state: OrchestratorStateJson } | { failure: string };

function parseState(text: string): OrchestratorStateJson | undefined {
  try {
    const value = JSON.parse(text) as OrchestratorStateJson;
    return value && typeof value === 'object' && Array.isArray(value.actions) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the OrchestratorState an orchestrator invocation produced: from its return value, or from the
 * `$OutOfProcData$` label in the error message when the orchestrator threw. Anything else is a failure
 * message for the orchestration.
 */
export function decodeOrchestratorState(result: InvocationResult): DecodedState {
  if (result.error) {
    const message = result.error.message ?? '';
    const at = message.indexOf(outOfProcDataLabel);
    const state = at >= 0 ? parseState(message.slice(at + outOfProcDataLabel.length)) : undefined;
    return state ? { state } : { failure: message || 'the orchestrator threw without a message' };
  }
  const value = result.returnValue;
  const text = value?.json ?? value?.string;
  const state = text === undefined ? undefined : parseState(text);
  return state
    ? { state }
    : { failure: 'the orchestrator returned no OrchestratorState (is it a durable orchestration?)' };
}
