import type { ActivityRow, NewActivity, NewMessage, NewTimer } from './rows';
import { insertMessages, type Statements } from './statements';

export interface ActivityCompletion {
  activityId: number;
  functionName: string;
  instanceId: string;
  executionId: string;
  failed: boolean;
  failureReason: string | null;
  /** TaskCompleted or TaskFailed event JSON for the orchestration. */
  event: string;
  completedAt: number;
}

/** Activity work items and durable timers of the task hub. */
export class WorkItemStore {
  constructor(private readonly statements: Statements) {}

  insertActivities(instanceId: string, executionId: string, activities: NewActivity[], now: number): void {
    const insert = this.statements.get(
      `INSERT INTO activities (instance_id, execution_id, task_id, name, input, status, scheduled_at)
       VALUES (?, ?, ?, ?, ?, 'Scheduled', ?)`,
    );
    for (const activity of activities) {
      insert.run(instanceId, executionId, activity.taskId, activity.name, activity.input, now);
    }
  }

  insertTimers(instanceId: string, executionId: string, timers: NewTimer[]): void {
    const insert = this.statements.get(
      'INSERT INTO timers (instance_id, execution_id, timer_id, fire_at) VALUES (?, ?, ?, ?)',
    );
    for (const timer of timers) {
      insert.run(instanceId, executionId, timer.timerId, timer.fireAt);
    }
  }

  /** Marks up to `limit` queued activities as running and returns them, oldest first. */
  claimActivities(limit: number, now: number): ActivityRow[] {
    return this.statements.db.transaction(() => {
      const rows = this.statements
        .get(`SELECT * FROM activities WHERE status = 'Scheduled' ORDER BY id LIMIT ?`)
        .all(limit) as ActivityRow[];
      const claim = this.statements.get(
        `UPDATE activities SET status = 'Running', started_at = ?, dispatch_count = dispatch_count + 1 WHERE id = ?`,
      );
      for (const row of rows) {
        claim.run(now, row.id);
        row.status = 'Running';
        row.started_at = now;
      }
      return rows;
    })();
  }

  /**
   * Records a batch of activity results in one transaction and queues each as a message for its
   * orchestration. A result for an abandoned activity or a finished execution is recorded but not queued.
   */
  completeActivities(completions: ActivityCompletion[]): string[] {
    return this.statements.db.transaction(() => {
      const finish = this.statements.get(
        `UPDATE activities SET status = ?, completed_at = ?, failure_reason = ? WHERE id = ? AND status = 'Running'`,
      );
      const live = this.statements.get(
        `SELECT 1 FROM instances WHERE instance_id = ? AND execution_id = ?
           AND status NOT IN ('Completed', 'Failed', 'Terminated', 'Canceled')`,
      );
      const notified = new Set<string>();
      const messages: NewMessage[] = [];
      for (const c of completions) {
        const changed = finish.run(c.failed ? 'Failed' : 'Completed', c.completedAt, c.failureReason, c.activityId);
        if (changed.changes === 1 && live.get(c.instanceId, c.executionId)) {
          messages.push({ instanceId: c.instanceId, executionId: c.executionId, kind: 'event', event: c.event });
          notified.add(c.instanceId);
        }
      }
      insertMessages(this.statements, messages, Date.now());
      return [...notified];
    })();
  }

  /** Returns running activities to the queue; called at start-up because their results were lost. */
  requeueRunningActivities(): number {
    return this.statements.get(`UPDATE activities SET status = 'Scheduled' WHERE status = 'Running'`).run().changes;
  }

  nextTimerDue(): number | undefined {
    const row = this.statements.get('SELECT MIN(fire_at) AS due FROM timers').get() as { due: number | null };
    return row.due ?? undefined;
  }

  /** Turns every timer due at `now` into a TimerFired message; returns the number of timers fired. */
  fireDueTimers(now: number, toEvent: (timerId: number, fireAt: number) => string): number {
    return this.statements.db.transaction(() => {
      const due = this.statements.get('SELECT * FROM timers WHERE fire_at <= ? ORDER BY fire_at, id').all(now) as {
        id: number;
        instance_id: string;
        execution_id: string;
        timer_id: number;
        fire_at: number;
      }[];
      const messages: NewMessage[] = due.map((timer) => ({
        instanceId: timer.instance_id,
        executionId: timer.execution_id,
        kind: 'event',
        event: toEvent(timer.timer_id, timer.fire_at),
      }));
      insertMessages(this.statements, messages, now);
      const remove = this.statements.get('DELETE FROM timers WHERE id = ?');
      for (const timer of due) {
        remove.run(timer.id);
      }
      return due.length;
    })();
  }
}
