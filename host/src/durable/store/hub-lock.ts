import fs from 'node:fs';
import { ConflictError } from '../errors';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a task hub file for this process with a `<file>.lock` holding the pid, so two hosts never
 * dispatch the same hub. A lock left by a killed process is taken over; engines of one process share it.
 */
export class HubLock {
  private constructor(private readonly path: string) {}

  static acquire(hubFile: string): HubLock {
    const path = `${hubFile}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(path, String(process.pid), { flag: 'wx' });
        return new HubLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw error;
        }
      }
      const owner = Number(fs.readFileSync(path, 'utf8'));
      if (owner === process.pid) {
        return new HubLock(path);
      }
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new ConflictError(
          `Task hub ${hubFile} is in use by another host (pid ${owner}). Stop that host or use another data folder.`,
          409,
        );
      }
      fs.rmSync(path, { force: true });
    }
    throw new ConflictError(`Could not lock task hub ${hubFile}: another host took it at the same time.`, 409);
  }

  release(): void {
    try {
      if (Number(fs.readFileSync(this.path, 'utf8')) === process.pid) {
        fs.rmSync(this.path, { force: true });
      }
    } catch {
      // The lock file is already gone.
    }
  }
}
