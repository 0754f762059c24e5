import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CliError, describeError } from './errors';

/** Creates the parent folder of an `--out` file, or throws a one-line CliError naming the folder. */
export async function prepareOutFile(file: string): Promise<void> {
  const folder = path.dirname(path.resolve(file));
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new CliError(
      `cannot create the folder ${folder} for --out: ${describeError(error)}; choose another --out file`,
    );
  }
}
