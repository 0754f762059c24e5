import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadManifest, malformedUtf8Offset } from '../../scripts/src/manifest';

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

  it('names the offset of invalid UTF-8', async () => {
    const file = path.join(dir, '_manifest.json');
    await writeFile(
      file,
      Buffer.concat([Buffer.from('{"groupBy":["k'), Buffer.from([0xff, 0xfe]), Buffer.from('"]}')]),
    );
    await expect(loadManifest(dir, {})).rejects.toThrow(
      `invalid manifest ${file}: not valid UTF-8 (the byte sequence at offset 14 is malformed): save the file as UTF-8`,
    );
  });

  it.each([
    ['FF FE', Buffer.from('\ufeff{"groupBy":["k"]}', 'utf16le')],
    ['FE FF', Buffer.from('\ufeff{"groupBy":["k"]}', 'utf16le').swap16()],
  ])('names UTF-16 with the byte order mark %s', async (mark, bytes) => {
    const file = path.join(dir, '_manifest.json');
    await writeFile(file, bytes);
    await expect(loadManifest(dir, {})).rejects.toThrow(
      `invalid manifest ${file}: it is UTF-16 (it starts with the byte order mark ${mark}), and the app reads only ` +
        'UTF-8: save the file as UTF-8',
    );
  });

  it('reads UTF-8 with a byte order mark', async () => {
    await writeFile(path.join(dir, '_manifest.json'), '\ufeff{"groupBy":["r\u00e9gion"]}');
    await expect(loadManifest(dir, {})).resolves.toEqual({ groupBy: ['r\u00e9gion'] });
  });

  it.each([
    ['{"toleratedFailurePercentage": 1e400}', '"toleratedFailurePercentage" is Infinity'],
    ['{"maxItems": -1e400}', '"maxItems" is -Infinity'],
    ['{"quantiles": [0.5, 1e999]}', '"quantiles[1]" is Infinity'],
  ])('rejects the non-finite number in %s', async (text, field) => {
    const file = path.join(dir, '_manifest.json');
    await writeFile(file, text);
    await expect(loadManifest(dir, {})).rejects.toThrow(
      `invalid manifest ${file}: field ${field}, not a finite number: a JSON number beyond the range of a double`,
    );
  });

  it.each([
    [[0x41, 0xc3], 1],
    [[0xe2, 0x82, 0x41], 0],
    [[0x41, 0xc0, 0x80], 1],
    [[0xed, 0xa0, 0x80], 0],
    [[0xf4, 0x90, 0x80, 0x80], 0],
    [[0x41, 0x80], 1],
    [[0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], 7],
  ])('finds malformed UTF-8 in %j', (bytes, offset) => {
    expect(malformedUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
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
