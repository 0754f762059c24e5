import { ConfigurationError } from '../config/errors';

/** App setting holding the connection of the watched storage account unless a rule names another. */
export const DEFAULT_BLOB_EVENTS_CONNECTION = 'DataStorage';

/** One watched container: blobs whose subject ends with `subjectSuffix` publish BlobCreated events to `queue`. */
export interface BlobEventRule {
  container: string;
  queue: string;
  /** Suffix the event subject `/blobServices/default/containers/<c>/blobs/<name>` must end with; empty matches all. */
  subjectSuffix: string;
  /** App setting with the connection string of the account holding both container and queue. @default 'DataStorage' */
  connection?: string;
}

const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** Parses `container:queue[:subjectSuffix]`, the form of the `--blob-events` option. */
export function parseBlobEventRule(text: string): BlobEventRule {
  const [container, queue, ...rest] = text.split(':');
  const subjectSuffix = rest.join(':');
  if (!container || !queue) {
    throw new ConfigurationError(
      `blob events rule "${text}" is invalid: use container:queue[:subjectSuffix], for example input:blob-created:/_manifest.json`,
    );
  }
  return validateBlobEventRule({ container, queue, subjectSuffix }, text);
}

/** Checks the container and queue names of a rule; `source` names the rule in the error, such as the option text. */
export function validateBlobEventRule(rule: BlobEventRule, source = `${rule.container}:${rule.queue}`): BlobEventRule {
  validateName(rule.container, 'container', source);
  validateName(rule.queue, 'queue', source);
  return rule;
}

function validateName(name: string, kind: string, source: string): void {
  if (!CONTAINER_NAME.test(name)) {
    throw new ConfigurationError(
      `blob events rule "${source}": ${kind} name "${name}" is invalid: use 3 to 63 lower-case letters, digits and single hyphens`,
    );
  }
}
