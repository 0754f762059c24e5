import { ActionType, type RetryOptionsJson } from '../actions';

const maxRetryIntervalDefaultMs = 6 * 24 * 3600 * 1000;

/**
 * JSON text of an action input; the SDK pre-encodes strings for activities and continue-as-new.
 * NOTE: a string passed to continueAsNew reaches the next execution unchanged here, while the extension is
 * believed (from its source, not observed) to deliver it with one more level of JSON quotes.
 */
export function encodedInput(input: unknown, preEncoded: boolean): string | null {
  if (input === undefined) {
    return null;
  }
  return preEncoded && typeof input === 'string' ? input : JSON.stringify(input);
}

/** An action type the engine does not implement (entity critical sections); the orchestration fails. */
export class UnsupportedActionError extends Error {
  override name = 'UnsupportedActionError';

  constructor(readonly actionType: number) {
    super(
      `The orchestrator used action type ${ActionType[actionType] ?? actionType}, which this local host does not ` +
        'support (entity locks and scheduled signals). Run the app on Azure or with Core Tools for this feature.',
    );
  }
}

export function retryDelay(options: RetryOptionsJson | undefined, attemptNumber: number): number {
  const first = options?.firstRetryIntervalInMilliseconds ?? 0;
  const coefficient = options?.backoffCoefficient ?? 1;
  const cap = options?.maxRetryIntervalInMilliseconds ?? maxRetryIntervalDefaultMs;
  return Math.min(first * Math.pow(coefficient, attemptNumber - 1), cap);
}

export function pollLocation(result: unknown): { uri: string; retryAfterSeconds: number } | undefined {
  const response = result as { statusCode?: number; headers?: Record<string, string> } | undefined;
  if (!response || response.statusCode !== 202 || !response.headers) {
    return undefined;
  }
  const header = (name: string): string | undefined => {
    const key = Object.keys(response.headers ?? {}).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : response.headers?.[key];
  };
  const uri = header('location');
  return uri ? { uri, retryAfterSeconds: Number(header('retry-after') ?? 0) || 0 } : undefined;
}

export function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
