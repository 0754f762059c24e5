import { ChildProcess } from 'node:child_process';

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Sends SIGTERM to the child when this process exits before it, so Azurite and the host do not outlive
 * the command that started them. SIGKILL skips the hook. The `exit` event does not fire for a signal
 * without a handler either, so commands that start children also handle SIGINT and SIGTERM.
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
