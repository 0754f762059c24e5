import { spawnSync } from 'node:child_process';

/**
 * Throws when a command that the deploy scripts call is not installed, naming its Debian package, so that a missing
 * tool fails the suite with one clear message instead of every test failing on its own.
 */
export function requireCommands(commands: readonly string[]): void {
  const missing = commands.filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`The deploy scripts need ${missing.join(', ')}: install the Debian packages of the same names.`);
  }
}
