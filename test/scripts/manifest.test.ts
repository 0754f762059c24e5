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

  it('reads decimal numbers', async () => {
    const manifest = await loadManifest(dir, { quantiles: '.5,0.99', toleratedFailurePercentage: '2.5' });
    expect(manifest).toEqual({ quantiles: [0.5, 0.99], toleratedFailurePercentage: 2.5 });
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
    [{ metrics: '' }, "invalid --metrics '': empty item in the list"],
    [{ metrics: ' ' }, "invalid --metrics ' ': empty item in the list"],
    [{ groupBy: '' }, "invalid --group-by '': empty item in the list"],
    [{ quantiles: '' }, "invalid --quantiles '': empty item in the list"],
    [{ quantiles: '5e-1' }, "invalid quantile '5e-1'"],
    [{ toleratedFailurePercentage: '0x10' }, "invalid --tolerated-failure-percentage '0x10': use a decimal number"],
    [{ toleratedFailurePercentage: '1e1' }, "invalid --tolerated-failure-percentage '1e1': use a decimal number"],
    [{ toleratedFailurePercentage: ' ' }, "invalid --tolerated-failure-percentage ' ': use a decimal number"],
    [{ toleratedFailurePercentage: '' }, "invalid --tolerated-failure-percentage '': use a decimal number"],
  ])('rejects flags %j', async (flags, message) => {
    await expect(loadManifest(dir, flags)).rejects.toThrow(message);
  });
});
