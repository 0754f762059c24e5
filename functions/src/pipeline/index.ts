/** Pure map-reduce logic of the pipeline; nothing here imports an Azure package. */
export { validateBatchId } from './batch-id';
export { InvalidInputError } from './errors';
export { DEFAULT_CHUNK_SIZE, DEFAULT_QUANTILES, formatForFile, parseManifest } from './manifest';
export { mapStream } from './map-stream';
export { mergeAll, mergePartials } from './merge';
export { compareGroupKeys } from './group-key';
export { quantileField } from './quantile-field';
export { SKETCH_RELATIVE_ACCURACY } from './sketch';
export { summarize } from './summarize';
export { MAX_MESSAGE_BYTES, truncateMessage } from './truncate';
export { failedJsonl, summaryCsv, summaryJson } from './writers';
export type * from './types';
