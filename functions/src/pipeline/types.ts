/** Types shared by the pure map-reduce pipeline and the functions that drive it. */

export type InputFormat = 'csv' | 'ndjson';

/** A validated `_manifest.json`, defaults applied. */
export interface Manifest {
  /** Undefined means "by file extension" (.csv, .ndjson/.jsonl). */
  format?: InputFormat;
  groupBy: string[];
  metrics: string[];
  quantiles: number[];
  /** Blob names relative to `input/<batchId>/`; undefined means every blob under the prefix but the manifest. */
  files?: string[];
  toleratedFailurePercentage: number;
  maxItems?: number;
}

/** Aggregate of one metric in one group; `sketch` is a serialized DDSketch (base64 protobuf). */
export interface MetricPartial {
  count: number;
  sum: number;
  min: number;
  max: number;
  sketch: string;
}

export interface GroupPartial {
  key: Record<string, string>;
  count: number;
  metrics: Record<string, MetricPartial>;
}

export interface RejectedRowSample {
  line: number;
  reason: string;
}

/** The map step's output for one file, or the merge of several: JSON-serializable and mergeable. */
export interface PartialAggregate {
  files: number;
  bytes: number;
  rows: number;
  rejectedRows: number;
  rejectedSamples: RejectedRowSample[];
  groups: GroupPartial[];
}

/** Reasons a whole file is not usable; bad rows inside a usable file are counted, not failed. */
export type FileErrorKind = 'unreadable' | 'binary' | 'invalid-encoding' | 'missing-column' | 'parse' | 'not-found';

export interface FileError {
  kind: FileErrorKind;
  message: string;
}

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
