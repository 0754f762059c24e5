import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listDataFiles } from '../../scripts/src/upload';

describe('listDataFiles', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-upload-'));
    await mkdir(path.join(dir, 'east', '2024'), { recursive: true });
    await writeFile(path.join(dir, '_manifest.json'), '{}');
    await writeFile(path.join(dir, 'b.csv'), 'k,v\na,1\n');
    await writeFile(path.join(dir, 'a.ndjson'), '{"k":"a","v":1}\n');
    await writeFile(path.join(dir, 'east', '2024', 'c.csv'), 'k,v\n');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists nested files with blob names', async () => {
    const files = await listDataFiles(dir);
    expect(files.map((file) => file.name)).toEqual(['a.ndjson', 'b.csv', 'east/2024/c.csv']);
  });

  it('records each file size', async () => {
    const files = await listDataFiles(dir);
    expect(files.map((file) => file.bytes)).toEqual([16, 8, 4]);
  });

  it('names a path that is a file', async () => {
    const file = path.join(dir, 'b.csv');
    await expect(listDataFiles(file)).rejects.toThrow(`'${file}' is a file, not a folder: pass the folder`);
  });
});
