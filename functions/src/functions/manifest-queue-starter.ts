import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { DurableClient } from 'durable-functions';
import { classifyEvent, decodeQueueMessage, ManifestEvent } from '../batch/blob-events';
import { FunctionName } from '../batch/function-names';
import { currentManifestEtag, normalizeEtag } from '../batch/manifest-blob';
import { startBatchRun } from '../batch/run-control';
import { InvalidInputError } from '../pipeline/errors';
import { validateBatchId } from '../pipeline/batch-id';
import { BLOB_CREATED_QUEUE, DATA_CONNECTION } from '../settings';
import { LogEvent } from '../telemetry/names';
import { logEvent } from '../telemetry/log';

/**
 * Starts one batch run per `input/<batchId>/_manifest.json` BlobCreated event. Event Grid delivers at least once,
 * so a repeated delivery of the same manifest ETag starts nothing. A manifest replaced (new ETag) after the last
 * run finished starts a new run. One replaced while a run is active is logged and not started, so upload the
 * manifest again or call `POST /api/batches/{batchId}` after that run ends.
 */
export async function handleManifestMessage(message: unknown, client: DurableClient, context: InvocationContext) {
  for (const event of decodeQueueMessage(message)) {
    const classified = classifyEvent(event);
    if (classified.kind === 'ignored') {
      logEvent(context, 'info', LogEvent.eventIgnored, {
        reason: classified.reason,
        subject: classified.subject,
        eventId: classified.eventId,
      });
      continue;
    }
    await startFromEvent(classified, client, context);
  }
}

async function startFromEvent(event: ManifestEvent, client: DurableClient, context: InvocationContext): Promise<void> {
  let batchId: string;
  try {
    batchId = validateBatchId(event.batchId);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    logEvent(context, 'warn', LogEvent.batchIdInvalid, { batchId: event.batchId, error: error.message });
    return;
  }

  const blob = `input/${batchId}/_manifest.json`;
  const currentEtag = await currentManifestEtag(batchId);
  const eventEtag = normalizeEtag(event.etag);
  if (currentEtag === undefined || (eventEtag !== undefined && eventEtag !== currentEtag)) {
    const reason = currentEtag === undefined ? 'manifest no longer exists' : 'event is for an older manifest version';
    logEvent(context, 'info', LogEvent.eventIgnored, { reason, batchId, blob, etag: eventEtag, currentEtag });
    return;
  }

  const outcome = await startBatchRun(client, { batchId, mode: 'full', manifestEtag: currentEtag, skipSameEtag: true });
  const fields = { batchId, instanceId: outcome.instanceId, blob, etag: currentEtag };
  if (outcome.started) {
    logEvent(context, 'info', LogEvent.batchStarted, { ...fields, runId: outcome.runId, trigger: 'queue' });
  } else if (outcome.reason === 'duplicate') {
    logEvent(context, 'info', LogEvent.duplicateManifest, { ...fields, runtimeStatus: outcome.runtimeStatus });
  } else if (outcome.raced) {
    logEvent(context, 'info', LogEvent.startRaced, { ...fields, runtimeStatus: outcome.runtimeStatus });
  } else {
    // The active run may be a redrive or a run of an older manifest, and nothing retries this manifest later.
    logEvent(context, 'warn', LogEvent.batchBusy, {
      ...fields,
      runtimeStatus: outcome.runtimeStatus,
      action:
        `Manifest ETag ${currentEtag} was not started because a run is active: after that run ends, start it with ` +
        `POST /api/batches/${batchId} or upload the manifest again`,
    });
  }
}

df.app.client.storageQueue(FunctionName.queueStarter, {
  queueName: BLOB_CREATED_QUEUE,
  connection: DATA_CONNECTION,
  handler: handleManifestMessage,
});
