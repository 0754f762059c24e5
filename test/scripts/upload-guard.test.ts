import { BatchView } from '../../scripts/src/api';
import { PENDING_MANIFEST_WINDOW_MS, pendingManifestError } from '../../scripts/src/upload-guard';

describe('pendingManifestError', () => {
  const written = new Date('2026-01-02T03:04:05.000Z');
  const manifest = { etag: '0x8DCNEW', lastModified: written };
  const soon = written.getTime() + 5_000;
  const run = (manifestEtag: string): BatchView => ({
    batchId: 'b1',
    instanceId: 'batch-b1',
    runtimeStatus: 'Completed',
    runId: 'r1',
    manifestEtag,
    progress: null,
  });

  it('passes a batch without a manifest', () => {
    expect(pendingManifestError('b1', undefined, undefined, soon)).toBeUndefined();
  });

  it('passes the manifest of the latest run', () => {
    expect(pendingManifestError('b1', run('0x8DCNEW'), manifest, soon)).toBeUndefined();
  });

  it('passes a manifest older than the window', () => {
    const late = written.getTime() + PENDING_MANIFEST_WINDOW_MS;
    expect(pendingManifestError('b1', run('0x8DCOLD'), manifest, late)).toBeUndefined();
  });

  it.each([
    ['another run', run('0x8DCOLD')],
    ['no run', undefined],
  ])('rejects a new manifest after %s', (_case, latest) => {
    const message = pendingManifestError('b1', latest, manifest, soon)?.message;
    expect(message).toContain(
      "batch 'b1' has a _manifest.json that started no run yet (ETag 0x8DCNEW, written at 2026-01-02T03:04:05.000Z)",
    );
    expect(message).toContain('may start during this upload and read a mix of old and new files');
    expect(message).toContain("follow that run with 'npm run cli -- wait b1 --etag 0x8DCNEW'");
    expect(message).toContain("run 'npm run cli -- start b1' or upload again after 2026-01-02T03:06:05.000Z");
  });
});
