import { RunningAzurite, startAzurite } from '../../scripts/src/azurite';

/** Starts an in-memory Azurite for one test file; call the returned stop in afterAll. */
export async function useAzurite(): Promise<RunningAzurite> {
  return startAzurite();
}
