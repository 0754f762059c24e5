import { quotedCliCommand } from './stack-options';
import { Storage } from './storage';
import { currentManifestEtag } from './upload';

/**
 * Returns the end of the message of `upload --data-only`: that no run started, and the step that starts one. A batch
 * with a manifest is reprocessed with redrive or start. A batch without one needs its manifest uploaded first,
 * because redrive and start both read it.
 */
export async function dataOnlyNextStep(storage: Storage, batchId: string): Promise<string> {
  if ((await currentManifestEtag(storage, batchId)) === undefined) {
    const upload = quotedCliCommand([
      'upload',
      'DIR',
      '--batch',
      batchId,
      '--group-by',
      'COLUMNS',
      '--metrics',
      'COLUMNS',
    ]);
    return (
      `and no run started, because input/${batchId}/_manifest.json does not exist: upload the manifest with ` +
      `${upload}, with DIR/_manifest.json or the manifest options, which starts a run on the uploaded files`
    );
  }
  return (
    'and left _manifest.json as it was, so no run started. Reprocess the files that failed with ' +
    `${quotedCliCommand(['redrive', batchId])}, or run the whole batch again with ${quotedCliCommand(['start', batchId])}`
  );
}
