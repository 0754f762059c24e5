import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadManifest } from '../../scripts/src/manifest';

describe('loadManifest', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-manifest-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds the manifest from flags', async () => {
    const manifest = await loadManifest(dir, {
      groupBy: 'origin, destination',
      metrics: 'delay',
      quantiles: '0.5,0.999',
    });
    expect(manifest).toEqual({ groupBy: ['origin', 'destination'], metrics: ['delay'], quantiles: [0.5, 0.999] });
  });

  it('reads an empty list as none', async () => {
    const manifest = await loadManifest(dir, { groupBy: '', metrics: ' ' });
    expect(manifest).toEqual({ groupBy: [], metrics: [] });
  });

  it('lets flags override the manifest file', async () => {
    await writeFile(path.join(dir, '_manifest.json'), JSON.stringify({ groupBy: ['a'], metrics: ['x'] }));
    const manifest = await loadManifest(dir, { metrics: 'y' });
    expect(manifest).toEqual({ groupBy: ['a'], metrics: ['y'] });
  });

  it('names the file with invalid JSON', async () => {
    const file = path.join(dir, '_manifest.json');
    await writeFile(file, '{"groupBy": [');
    await expect(loadManifest(dir, {})).rejects.toThrow(`invalid JSON in ${file}`);
  });

  it('rejects a manifest that is not an object', async () => {
    await writeFile(path.join(dir, '_manifest.json'), '["origin"]');
    await expect(loadManifest(dir, {})).rejects.toThrow('expected a JSON object');
  });

  it.each([
    [{ format: 'xml' }, "invalid --format 'xml'"],
    [{ quantiles: '0.5,95' }, "invalid quantile '95'"],
    [{ toleratedFailurePercentage: '150' }, "invalid --tolerated-failure-percentage '150'"],
    [{ groupBy: ',,' }, "invalid --group-by ',,': empty item in the list"],
    [{ groupBy: 'region,' }, "invalid --group-by 'region,': empty item in the list"],
    [{ metrics: 'amount,,quantity' }, "invalid --metrics 'amount,,quantity': empty item in the list"],
    [{ quantiles: '0.5,,0.99' }, "invalid --quantiles '0.5,,0.99': empty item in the list"],
  ])('rejects flags %j', async (flags, message) => {
    await expect(loadManifest(dir, flags)).rejects.toThrow(message);
  });
});
