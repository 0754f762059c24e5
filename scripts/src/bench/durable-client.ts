import { CliError } from '../errors';

/** The fields of the Durable HTTP API's instance status that the benchmarks read. */
export interface InstanceStatus {
  runtimeStatus: string;
  output?: unknown;
  createdTime?: string;
  lastUpdatedTime?: string;
}

const FINISHED = new Set(['Completed', 'Failed', 'Terminated']);

/** Starts an orchestration through `POST <webhook>/orchestrators/{name}` and returns its instance id. */
export async function startOrchestration(webhook: string, name: string, input: unknown): Promise<string> {
  const response = await fetch(`${webhook}/orchestrators/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 202 || !body.id) {
    throw new CliError(`starting orchestration ${name} failed with HTTP ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.id;
}

/**
 * Polls the instance until it has finished and `accept` agrees, and returns its last status. The poll interval
 * is 1% of the time waited so far (at least 10 ms), so polling adds at most about 1% to a measured wall time.
 */
export async function waitForInstance(
  webhook: string,
  instanceId: string,
  timeoutMs: number,
  accept: (status: InstanceStatus) => boolean = () => true,
): Promise<InstanceStatus> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${webhook}/instances/${encodeURIComponent(instanceId)}`);
    if (response.ok) {
      const status = (await response.json()) as InstanceStatus;
      if (FINISHED.has(status.runtimeStatus) && accept(status)) return status;
    }
    const waited = performance.now() - started;
    if (waited > timeoutMs) {
      throw new CliError(`instance ${instanceId} did not finish within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, waited / 100)));
  }
}

/** Throws unless the instance completed; the message carries the output, which contains the failure reason. */
export function assertCompleted(instanceId: string, status: InstanceStatus): void {
  if (status.runtimeStatus !== 'Completed') {
    const output = JSON.stringify(status.output)?.slice(0, 500);
    throw new CliError(`instance ${instanceId} ended ${status.runtimeStatus}: ${output}`);
  }
}
