import { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { DurableClient } from 'durable-functions';
import { buildBatchView } from '../batch/batch-view';
import { FunctionName } from '../batch/function-names';
import { readLatestRun } from '../batch/latest-run';
import { currentManifestEtag } from '../batch/manifest-blob';
import { batchInstanceId } from '../batch/paths';
import { findMissingRedriveBaseBlobs, missingRedriveBaseMessage, readRunManifest } from '../batch/run-files';
import { findStatus, isActive, purgeBatch, startBatchRun, StartRequest, terminateBatch } from '../batch/run-control';
import { ConflictError, NotFoundError } from '../errors';
import { validateBatchId } from '../pipeline/batch-id';
import { InvalidInputError } from '../pipeline/errors';
import { describeValue } from '../pipeline/truncate';
import { LogEvent } from '../telemetry/names';
import { logEvent } from '../telemetry/log';
import { readJsonObjectBody } from '../http/request-body';
import { errorResponse, json } from '../http/responses';

type ApiHandler = (
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** Validates the route's batch id and turns the documented errors into 4xx JSON responses. */
function withBatchId(handler: (batchId: string, ...rest: Parameters<ApiHandler>) => Promise<HttpResponseInit>) {
  return async (request: HttpRequest, client: DurableClient, context: InvocationContext) => {
    const raw = request.params.batchId;
    try {
      return await handler(validateBatchId(raw), request, client, context);
    } catch (error) {
      return errorResponse(error, context, raw);
    }
  };
}

async function startBatch(batchId: string, request: HttpRequest, client: DurableClient, context: InvocationContext) {
  await readJsonObjectBody(request, []);
  const manifestEtag = await currentManifestEtag(batchId);
  if (manifestEtag === undefined) {
    throw new NotFoundError(
      `No manifest at input/${batchId}/_manifest.json: upload the batch files and the manifest first`,
    );
  }
  return startRun(request, client, context, { batchId, mode: 'full', manifestEtag, skipSameEtag: false });
}

async function redriveBatch(batchId: string, request: HttpRequest, client: DurableClient, context: InvocationContext) {
  await readJsonObjectBody(request, []);
  const latest = await readLatestRun(batchId);
  if (!latest || !latest.mapped || latest.failed === 0) {
    // An active run has not written its result yet, so the latest result may describe the run before it, or none.
    const status = await findStatus(client, batchInstanceId(batchId));
    if (status && isActive(status)) throw activeRunConflict(batchId, status.instanceId, status.runtimeStatus);
  }
  if (!latest || !latest.mapped) {
    throw new NotFoundError(`Batch ${batchId} has no previous run with results to redrive: start it with POST first`);
  }
  if (latest.failed === 0) {
    throw new ConflictError(`Batch ${batchId} has no failed files to redrive: its last run ${latest.runId} succeeded`);
  }
  const missing = await findMissingRedriveBaseBlobs(batchId, latest.runId);
  if (missing.length > 0) {
    throw new NotFoundError(missingRedriveBaseMessage(batchId, latest.runId, missing));
  }
  await checkManifestUnchanged(batchId, latest.runId, latest.manifestEtag);
  const start: StartRequest = {
    batchId,
    mode: 'redrive',
    manifestEtag: latest.manifestEtag,
    baseRunId: latest.runId,
    skipSameEtag: false,
  };
  return startRun(request, client, context, start);
}

/**
 * Rejects a redrive when `input/<batchId>/_manifest.json` is not the manifest the base run read. A redrive maps the
 * base run's failed files with the base run's manifest, so after a new upload it would ignore the new manifest and
 * files, and the new manifest's event would find the batch running and start nothing.
 */
async function checkManifestUnchanged(batchId: string, baseRunId: string, startEtag: string | undefined) {
  // The listing records the ETag of the manifest it read, which can be newer than the one the run was started for.
  const baseEtag = (await readRunManifest(batchId, baseRunId)).manifestEtag ?? startEtag;
  const currentEtag = await currentManifestEtag(batchId);
  if (currentEtag === undefined) {
    throw new ConflictError(
      `Batch ${batchId} cannot be redriven: input/${batchId}/_manifest.json was deleted after run ${baseRunId}. ` +
        `Upload the batch files and the manifest, then start a full run with POST /api/batches/${batchId}`,
    );
  }
  // NOTE: a run recorded without a manifest ETag cannot be compared, so its redrive is accepted.
  if (baseEtag === undefined || baseEtag === currentEtag) return;
  throw new ConflictError(
    `Batch ${batchId} cannot be redriven: input/${batchId}/_manifest.json changed since run ${baseRunId} ` +
      `(ETag ${baseEtag} then, ${currentEtag} now). Start a full run with POST /api/batches/${batchId}, or wait ` +
      'for the run that the new manifest starts',
  );
}

async function startRun(request: HttpRequest, client: DurableClient, context: InvocationContext, start: StartRequest) {
  const outcome = await startBatchRun(client, start);
  if (!outcome.started && outcome.raced) {
    const fields = { batchId: start.batchId, instanceId: outcome.instanceId, runtimeStatus: outcome.runtimeStatus };
    logEvent(context, 'info', LogEvent.startRaced, { ...fields, trigger: 'http' });
  }
  if (!outcome.started) throw activeRunConflict(start.batchId, outcome.instanceId, outcome.runtimeStatus);
  logEvent(context, 'info', LogEvent.apiBatchCommand, {
    command: start.mode === 'redrive' ? 'redrive' : 'start',
    batchId: start.batchId,
    instanceId: outcome.instanceId,
    runId: outcome.runId,
  });
  return client.createCheckStatusResponse(request, outcome.instanceId);
}

function activeRunConflict(batchId: string, instanceId: string, runtimeStatus: string): ConflictError {
  return new ConflictError(
    `Batch ${batchId} is ${runtimeStatus.toLowerCase()} as instance ${instanceId}: ` +
      `wait for it to finish or terminate it with POST /api/batches/${batchId}/terminate`,
  );
}

async function getBatch(batchId: string, _request: HttpRequest, client: DurableClient) {
  const status = await findStatus(client, batchInstanceId(batchId));
  if (!status) throw new NotFoundError(`Batch ${batchId} has no run: start it with POST /api/batches/${batchId}`);
  return json(200, await buildBatchView(client, batchId, status));
}

async function purge(batchId: string, _request: HttpRequest, client: DurableClient, context: InvocationContext) {
  const instanceId = batchInstanceId(batchId);
  const status = await findStatus(client, instanceId);
  if (!status) throw new NotFoundError(`Batch ${batchId} has no run history to purge`);
  if (isActive(status)) {
    throw new ConflictError(`Batch ${batchId} is ${status.runtimeStatus.toLowerCase()}: terminate it before purging`);
  }
  const instancesDeleted = await purgeBatch(client, instanceId);
  logEvent(context, 'info', LogEvent.apiBatchCommand, { command: 'purge', batchId, instanceId, instancesDeleted });
  return json(200, { batchId, instanceId, instancesDeleted });
}

async function terminate(batchId: string, request: HttpRequest, client: DurableClient, context: InvocationContext) {
  const body = await readJsonObjectBody(request, ['reason']);
  if (body.reason !== undefined && typeof body.reason !== 'string') {
    throw new InvalidInputError(
      `Invalid field "reason" in request body: expected a string, got ${describeValue(body.reason)}`,
      'reason',
      body.reason,
    );
  }
  const reason = body.reason !== undefined && body.reason !== '' ? body.reason : 'terminated through the API';
  const instanceId = batchInstanceId(batchId);
  const status = await findStatus(client, instanceId);
  if (!status) throw new NotFoundError(`Batch ${batchId} has no run to terminate`);
  if (!isActive(status)) {
    throw new ConflictError(`Batch ${batchId} is not running: its last run is ${status.runtimeStatus.toLowerCase()}`);
  }
  const terminated = await terminateBatch(client, instanceId, reason);
  logEvent(context, 'info', LogEvent.apiBatchCommand, { command: 'terminate', batchId, instanceId, reason });
  return json(202, { batchId, instanceId, terminated });
}

const byMethod: Record<string, ReturnType<typeof withBatchId>> = {
  GET: withBatchId(getBatch),
  POST: withBatchId(startBatch),
  DELETE: withBatchId(purge),
};

df.app.client.http(FunctionName.batchesApi, {
  route: 'batches/{batchId}',
  methods: ['GET', 'POST', 'DELETE'],
  authLevel: 'function',
  handler: (request, client, context) => byMethod[request.method.toUpperCase()](request, client, context),
});

df.app.client.http(FunctionName.redriveApi, {
  route: 'batches/{batchId}/redrive',
  methods: ['POST'],
  authLevel: 'function',
  handler: withBatchId(redriveBatch),
});

df.app.client.http(FunctionName.terminateApi, {
  route: 'batches/{batchId}/terminate',
  methods: ['POST'],
  authLevel: 'function',
  handler: withBatchId(terminate),
});
