import { ChildProcess } from 'node:child_process';

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Sends SIGTERM to the child when this process exits before it, so Azurite and the host never outlive
 * the command that started them. The `exit` event does not fire for a signal without a handler, so
 * commands that start children also handle SIGINT and SIGTERM.
 */
export function terminateOnExit(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const running of liveChildren) running.kill('SIGTERM');
  });
}
