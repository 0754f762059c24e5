import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
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
    const { files } = await listDataFiles(dir);
    expect(files.map((file) => file.name)).toEqual(['a.ndjson', 'b.csv', 'east/2024/c.csv']);
  });

  it('records each file size', async () => {
    const { files } = await listDataFiles(dir);
    expect(files.map((file) => file.bytes)).toEqual([16, 8, 4]);
  });

  it('notes the manifest', async () => {
    expect((await listDataFiles(dir)).hasManifest).toBe(true);
    expect((await listDataFiles(path.join(dir, 'east'))).hasManifest).toBe(false);
  });

  describe('with symbolic links', () => {
    let linked: string;

    beforeAll(async () => {
      linked = await mkdtemp(path.join(os.tmpdir(), 'fanout-upload-links-'));
      await writeFile(path.join(linked, 'real.csv'), 'k,v\n');
      await mkdir(path.join(linked, 'sub'));
      await symlink(path.join(dir, 'b.csv'), path.join(linked, 'linked.csv'));
      await symlink(path.join(dir, 'east'), path.join(linked, 'sub', 'folder'));
      await symlink(path.join(dir, 'missing.csv'), path.join(linked, 'broken.csv'));
    });

    afterAll(async () => {
      await rm(linked, { recursive: true, force: true });
    });

    it('lists a link to a file', async () => {
      const { files } = await listDataFiles(linked);
      expect(files.map((file) => [file.name, file.bytes])).toEqual([
        ['linked.csv', 8],
        ['real.csv', 4],
      ]);
    });

    it('names links it skips', async () => {
      const { skippedLinks } = await listDataFiles(linked);
      expect(skippedLinks).toEqual([
        'broken.csv: its target is missing or cannot be read (ENOENT)',
        'sub/folder: it points to a folder, whose files upload does not follow',
      ]);
    });
  });

  it('names a path that is a file', async () => {
    const file = path.join(dir, 'b.csv');
    await expect(listDataFiles(file)).rejects.toThrow(`'${file}' is a file, not a folder: pass the folder`);
  });
});
