/** Types shared by the pure map-reduce pipeline and the functions that drive it. */

export type InputFormat = 'csv' | 'ndjson';

/** A validated `_manifest.json`, defaults applied. */
export interface Manifest {
  /** Undefined means "by file extension" (.csv, .ndjson/.jsonl). */
  format?: InputFormat;
  /** Columns whose values form the group key; empty means one group over all rows. @default [] */
  groupBy: string[];
  /** Numeric columns aggregated per group. @default [] */
  metrics: string[];
  /** Quantiles reported per metric, each in (0, 1). @default [0.5, 0.95, 0.99] */
  quantiles: number[];
  /** Blob names relative to `input/<batchId>/`; undefined means every blob under the prefix but the manifest. */
  files?: string[];
  /** Percentage of failed files (0 to 100) above which the batch fails. @default 0 */
  toleratedFailurePercentage: number;
  /** Maximum number of files the batch may contain; undefined means no limit. */
  maxItems?: number;
  /** Files per sub-orchestration chunk. @default 500 */
  chunkSize: number;
}

/**
 * Aggregate of one metric in one group. `count`, `min` and `max` are exact. `sumExpansion` is the exact
 * sum as non-overlapping doubles in increasing magnitude, and `sum` is that value rounded once to the
 * nearest double. `sketch` is a serialized DDSketch (base64 protobuf, relative accuracy 0.01).
 */
export interface MetricPartial {
  count: number;
  sum: number;
  sumExpansion: number[];
  min: number;
  max: number;
  sketch: string;
}

export interface GroupPartial {
  /** GroupBy column name to value, in groupBy order. */
  key: Record<string, string>;
  count: number;
  metrics: Record<string, MetricPartial>;
}

/** One rejected row: the file, the 1-based line where the row starts, and why. */
export interface RejectedRowSample {
  file: string;
  line: number;
  reason: string;
}

/** The map step's output for one file, or the merge of several: JSON-serializable and mergeable. */
export interface PartialAggregate {
  files: number;
  bytes: number;
  /** Data rows read, accepted and rejected; a CSV header row is not counted. */
  rows: number;
  rejectedRows: number;
  /** Up to 10 samples, the smallest by (file, line, reason), so merging keeps the same ones in any order. */
  rejectedSamples: RejectedRowSample[];
  /** Sorted by key (see `compareGroupKeys`). */
  groups: GroupPartial[];
}

/** Reasons a whole file is not usable; bad rows inside a usable file are counted, not failed. */
export type FileErrorKind =
  | 'unreadable'
  | 'binary'
  | 'invalid-encoding'
  | 'missing-column'
  | 'all-rows-rejected'
  | 'parse'
  | 'not-found'
  | 'too-many-groups';

export interface FileError {
  kind: FileErrorKind;
  message: string;
}

export interface MapOptions {
  /** Blob name, used in rejected-row samples and error messages. */
  fileName: string;
  format: InputFormat;
  groupBy: string[];
  metrics: string[];
  /** Size of the file when the caller knows it; otherwise the bytes read are counted. */
  bytes?: number;
  /** Distinct group keys allowed in one file before it fails with `too-many-groups`. @default 100000 */
  maxGroups?: number;
}

export type MapResult = { ok: true; partial: PartialAggregate } | { ok: false; error: FileError };

export interface MetricSummary {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** One field per requested quantile: p50, p95, p99, p99_9 for 0.999. */
  [quantile: string]: number | null;
}

export interface GroupSummary {
  key: Record<string, string>;
  count: number;
  metrics: Record<string, MetricSummary>;
}

/** Totals over the files that were mapped successfully. */
export interface InputSummary {
  blobs: number;
  bytes: number;
  rows: number;
  rejectedRows: number;
  rejectedSamples: RejectedRowSample[];
}

/** One line of `failed.jsonl`. */
export interface FailedBlob {
  blob: string;
  kind: FileErrorKind;
  message: string;
}

/** The content of `summary.json`. */
export interface BatchSummary {
  batchId: string;
  instanceId: string;
  status: 'completed' | 'failed';
  input: InputSummary;
  /** Number of files that failed as a whole; their names and reasons are in `failed.jsonl`. */
  failedBlobs: number;
  groups: GroupSummary[];
  /** Timestamps (ISO 8601) and durations (milliseconds) of the run's phases. */
  timing: Record<string, string | number>;
}
