/** Registered function names; orchestrations call activities and sub-orchestrations by these names. */
export const FunctionName = {
  queueStarter: 'manifestQueueStarter',
  batchesApi: 'batchesApi',
  redriveApi: 'batchRedriveApi',
  terminateApi: 'batchTerminateApi',
  batchOrchestrator: 'batchOrchestrator',
  chunkOrchestrator: 'batchChunkOrchestrator',
  listActivity: 'listBatchFiles',
  mapActivity: 'mapBlob',
  reduceChunkActivity: 'reduceChunk',
  reduceBatchActivity: 'reduceBatch',
  writeResultActivity: 'writeBatchResult',
} as const;
