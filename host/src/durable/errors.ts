/** A host.json `extensions.durableTask` value that the engine cannot use. */
export class InvalidSettingError extends Error {
  override name = 'InvalidSettingError';
}

/** A management request with a missing or malformed value; the HTTP API returns 400. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

/** An instance, entity or route that does not exist; the HTTP API returns 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** An operation the instance's current state does not allow; the HTTP API returns `status` (409 or 410). */
export class ConflictError extends Error {
  override name = 'ConflictError';

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
