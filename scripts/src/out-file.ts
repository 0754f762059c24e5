import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError, describeError } from './errors';

/**
 * Checks an `--out` file name and creates its parent folder. Throws a one-line CliError for an empty name, a name
 * that is a folder, or a folder that cannot be created.
 */
export async function prepareOutFile(file: string): Promise<void> {
  if (file.trim() === '') {
    throw new CliError(`invalid --out '${file}': name the file to write, such as summary.json`);
  }
  if ((await stat(file).catch(() => undefined))?.isDirectory()) {
    throw new CliError(
      `invalid --out '${file}': it is a folder; name a file to write, such as ${path.join(file, 'summary.json')}`,
    );
  }
  const folder = path.dirname(path.resolve(file));
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new CliError(
      `cannot create the folder ${folder} for --out: ${describeError(error)}; choose another --out file`,
    );
  }
}
