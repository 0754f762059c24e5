/**
 * Inputs and outputs of the batch orchestrations and activities. They travel through the orchestration history,
 * so each stays a few hundred bytes: file lists, partial aggregates and failure lists live in work blobs.
 */
import { FileErrorKind } from '../pipeline/types';

/** `full` maps every file of the batch; `redrive` maps only the files in the previous run's `failed.jsonl`. */
export type RunMode = 'full' | 'redrive';

export interface BatchInput {
  batchId: string;
  /** Unique per run; names the run's folder in the work container. */
  runId: string;
  mode: RunMode;
  /** ETag of the manifest that started the run; the queue starter compares it to skip repeated deliveries. */
  manifestEtag?: string;
  /** Run whose merged partial a redrive extends. */
  baseRunId?: string;
}

/** A contiguous range of the run's file list, processed by one chunk (a sub-orchestration when there are several). */
export interface ChunkRef {
  index: number;
  /** Index of the chunk's first file in the run's file list. */
  start: number;
  count: number;
  /** Map activities of the chunk: each maps one group of consecutive files, listed in the chunk's file list blob. */
  groups: number;
}

export type BatchErrorKind =
  | 'invalid-manifest'
  | 'manifest-not-found'
  | 'too-many-items'
  | 'missing-files'
  | 'no-previous-run'
  | 'invalid-setting';

export interface BatchError {
  kind: BatchErrorKind;
  message: string;
}

export interface ListInput {
  batchId: string;
  runId: string;
  mode: RunMode;
  baseRunId?: string;
}

export type ListOutput =
  | {
      ok: true;
      /** Files of the whole batch, including those a redrive takes from the base run. */
      total: number;
      /** Files this run maps. */
      files: number;
      chunkSize: number;
      toleratedFailurePercentage: number;
      chunks: ChunkRef[];
    }
  | { ok: false; error: BatchError };

export interface ChunkInput {
  batchId: string;
  runId: string;
  chunk: ChunkRef;
}

export interface MapInput {
  batchId: string;
  runId: string;
  chunkIndex: number;
  /** Index of the group within the chunk. */
  group: number;
}

/**
 * Outcome of one group of files: counters, and the first failure in short. The merged partial and every failure
 * record are in the work blob named after `fileIndex`, the group's first file.
 */
export interface MapOutput {
  fileIndex: number;
  files: number;
  failed: number;
  bytes: number;
  rows: number;
  rejectedRows: number;
  error?: { kind: FileErrorKind; message: string };
}

/** Counters of a reduced set of files: a chunk, or the whole run. */
export interface ReduceOutput {
  files: number;
  succeeded: number;
  failed: number;
  bytes: number;
  rows: number;
  rejectedRows: number;
}

export interface ReduceBatchInput {
  batchId: string;
  runId: string;
  chunkCount: number;
  baseRunId?: string;
}

export interface WriteResultInput {
  batchId: string;
  instanceId: string;
  runId: string;
  mode: RunMode;
  manifestEtag?: string;
  /** Files of the whole batch. */
  total: number;
  toleratedFailurePercentage: number;
  /**
   * Set when the run failed before mapping (invalid manifest, too many or missing files, no run to redrive, invalid
   * app setting).
   */
  error?: BatchError;
  startedAt: string;
  mappedAt?: string;
  finishedAt: string;
}

export type BatchStatus = 'completed' | 'failed';

/** Orchestration output: counters and where the result is. */
export interface BatchOutput {
  batchId: string;
  instanceId: string;
  runId: string;
  mode: RunMode;
  status: BatchStatus;
  error?: BatchError;
  total: number;
  succeeded: number;
  failed: number;
  rows: number;
  result: ResultLocation;
}

export interface ResultLocation {
  container: string;
  summary: string;
  csv: string;
  failed: string;
}

/** `customStatus` of batch and chunk orchestrations: counters only. */
export interface ProgressStatus {
  phase: 'listing' | 'mapping' | 'reducing' | 'writing' | 'done';
  total: number;
  done: number;
  failed: number;
  chunks?: number;
  rows?: number;
}
