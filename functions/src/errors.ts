/** Error categories of the Function App; HTTP handlers map them to status codes. */

/** A required app setting is missing or unusable. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** The batch or run that a request names does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The request conflicts with the current state, for example a batch that is still running. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}
