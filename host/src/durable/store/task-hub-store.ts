import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { HistoryEvent } from '../history';
import { schemaSql } from './schema';
import type {
  ActivityRow,
  EpisodeCommit,
  InstanceRow,
  MessageRow,
  NewActivity,
  NewInstance,
  NewMessage,
  NewTimer,
} from './rows';

/** An instance with pending messages, with the numbers the dispatcher needs to decide whether to run it. */
export interface ReadyCandidate {
  instance_id: string;
  status: string;
  message_count: number;
  oldest_message_at: number;
  has_control: number;
  history_length: number;
  execution_id: string;
}

export interface ActivityCompletion {
  activityId: number;
  instanceId: string;
  executionId: string;
  failed: boolean;
  failureReason: string | null;
  /** TaskCompleted or TaskFailed event JSON for the orchestration. */
  event: string;
  completedAt: number;
}

/**
 * The task hub in one SQLite file (WAL mode). Every method is one statement or one transaction, so a
 * process killed at any moment leaves either the whole change or none of it.
 */
export class TaskHubStore {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(dataDir: string, hubName: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, `${hubName}.sqlite`));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(schemaSql);
  }

  /** Prepares a statement once; better-sqlite3 statements are reusable and preparing costs more than running. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  close(): void {
    this.db.close();
  }

  getInstance(instanceId: string): InstanceRow | undefined {
    return this.sql('SELECT * FROM instances WHERE instance_id = ?').get(instanceId) as InstanceRow | undefined;
  }

  /** Creates an instance (replacing a previous one with the same id) and queues its ExecutionStarted. */
  createInstance(instance: NewInstance, now: number): void {
    this.db.transaction(() => this.insertInstance(instance, now))();
  }

  private insertInstance(instance: NewInstance, now: number): void {
    this.deleteInstanceData(instance.instanceId);
    this.sql(
      `INSERT INTO instances (instance_id, name, version, execution_id, status, input, created_at, updated_at,
           parent_instance_id, parent_execution_id, parent_task_id, parent_name, history_length)
         VALUES (?, ?, ?, ?, 'Pending', ?, ?, ?, ?, ?, ?, ?, 0)`,
    ).run(
      instance.instanceId,
      instance.name,
      instance.version,
      instance.executionId,
      instance.input,
      now,
      now,
      instance.parent?.instanceId ?? null,
      instance.parent?.executionId ?? null,
      instance.parent?.taskId ?? null,
      instance.parent?.name ?? null,
    );
    this.insertMessages(
      [
        {
          instanceId: instance.instanceId,
          executionId: instance.executionId,
          kind: 'event',
          event: instance.startEvent,
        },
      ],
      now,
    );
  }

  private deleteInstanceData(instanceId: string): void {
    for (const table of ['instances', 'history', 'messages', 'timers']) {
      this.sql(`DELETE FROM ${table} WHERE instance_id = ?`).run(instanceId);
    }
    this.sql(
      `UPDATE activities SET status = 'Abandoned' WHERE instance_id = ? AND status IN ('Scheduled', 'Running')`,
    ).run(instanceId);
  }

  /** Deletes an instance with its history, queues and work records; returns whether it existed. */
  purgeInstance(instanceId: string): boolean {
    return this.db.transaction(() => {
      const existed = this.getInstance(instanceId) !== undefined;
      this.deleteInstanceData(instanceId);
      this.sql('DELETE FROM activities WHERE instance_id = ?').run(instanceId);
      return existed;
    })();
  }

  enqueueMessages(messages: NewMessage[], now: number): void {
    this.db.transaction(() => this.insertMessages(messages, now))();
  }

  private insertMessages(messages: NewMessage[], now: number): void {
    const insert = this.sql(
      'INSERT INTO messages (instance_id, execution_id, kind, event, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    for (const message of messages) {
      insert.run(message.instanceId, message.executionId, message.kind, message.event, now);
    }
  }

  /** Instances with messages that an episode may consume (a suspended instance only for control messages). */
  readyCandidates(limit: number): ReadyCandidate[] {
    return this.sql(
      `SELECT m.instance_id, i.status, COUNT(*) AS message_count, MIN(m.created_at) AS oldest_message_at,
           MAX(m.kind <> 'event') AS has_control, i.history_length, i.execution_id
         FROM messages m JOIN instances i ON i.instance_id = m.instance_id
         WHERE m.kind <> 'entity' AND i.status NOT IN ('Completed', 'Failed', 'Terminated', 'Canceled') OR m.kind <> 'event'
         GROUP BY m.instance_id ORDER BY MIN(m.id) LIMIT ?`,
    ).all(limit) as ReadyCandidate[];
  }

  /** Drops messages addressed to instances that already finished, which no episode will consume. */
  dropMessagesOfFinishedInstances(): number {
    return this.sql(
      `DELETE FROM messages WHERE kind <> 'entity' AND (instance_id NOT IN (SELECT instance_id FROM instances)
           OR (kind = 'event' AND instance_id IN (SELECT instance_id FROM instances
             WHERE status IN ('Completed', 'Failed', 'Terminated', 'Canceled'))))`,
    ).run().changes;
  }

  /** Returns whether an execution still waits for activities or sub-orchestrations. */
  hasWorkInFlight(instanceId: string, executionId: string): boolean {
    const activity = this.sql(
      `SELECT 1 FROM activities WHERE instance_id = ? AND execution_id = ? AND status IN ('Scheduled', 'Running') LIMIT 1`,
    ).get(instanceId, executionId);
    if (activity) {
      return true;
    }
    const child = this.sql(
      `SELECT 1 FROM instances WHERE parent_instance_id = ? AND parent_execution_id = ?
         AND status NOT IN ('Completed', 'Failed', 'Terminated', 'Canceled') LIMIT 1`,
    ).get(instanceId, executionId);
    return child !== undefined;
  }

  messagesOf(instanceId: string): MessageRow[] {
    return this.sql('SELECT * FROM messages WHERE instance_id = ? ORDER BY id').all(instanceId) as MessageRow[];
  }

  historyOf(instanceId: string): string[] {
    const rows = this.sql('SELECT event FROM history WHERE instance_id = ? ORDER BY position').all(instanceId) as {
      event: string;
    }[];
    return rows.map((row) => row.event);
  }

  /** Applies one episode; returns false (changing nothing) when the execution was replaced meanwhile. */
  commitEpisode(commit: EpisodeCommit): boolean {
    return this.db.transaction(() => {
      const current = this.getInstance(commit.instanceId);
      if (!current || current.execution_id !== commit.executionId) {
        return false;
      }
      this.deleteMessages(commit.consumedMessageIds);
      const historyLength = this.appendHistory(commit, current.history_length);
      this.updateInstance(commit, historyLength);
      this.releaseWork(commit);
      this.insertActivities(commit.instanceId, commit.executionId, commit.activities, commit.now);
      this.insertTimers(commit.instanceId, commit.executionId, commit.timers);
      for (const child of commit.instances) {
        this.insertInstance(child, commit.now);
      }
      this.insertMessages(commit.messages, commit.now);
      return true;
    })();
  }

  private deleteMessages(ids: number[]): void {
    const remove = this.sql('DELETE FROM messages WHERE id = ?');
    for (const id of ids) {
      remove.run(id);
    }
  }

  private appendHistory(commit: EpisodeCommit, length: number): number {
    let position = length;
    if (commit.update.nextExecution) {
      this.sql('DELETE FROM history WHERE instance_id = ?').run(commit.instanceId);
      position = 0;
    }
    const insert = this.sql('INSERT INTO history (instance_id, position, event) VALUES (?, ?, ?)');
    for (const event of commit.appendEvents) {
      insert.run(commit.instanceId, position++, event);
    }
    return position;
  }

  private updateInstance(commit: EpisodeCommit, historyLength: number): void {
    const { update } = commit;
    this.sql(
      `UPDATE instances SET status = ?, output = ?, custom_status = ?, failure_details = ?, completed_at = ?,
           updated_at = ?, history_length = ? WHERE instance_id = ?`,
    ).run(
      update.status,
      update.output,
      update.customStatus,
      update.failureDetails,
      update.completedAt,
      commit.now,
      historyLength,
      commit.instanceId,
    );
    if (update.nextExecution) {
      this.sql('UPDATE instances SET execution_id = ?, input = ?, created_at = ? WHERE instance_id = ?').run(
        update.nextExecution.executionId,
        update.nextExecution.input,
        update.nextExecution.createdAt,
        commit.instanceId,
      );
    }
  }

  private releaseWork(commit: EpisodeCommit): void {
    if (commit.releaseWork === 'none') {
      return;
    }
    this.sql('DELETE FROM timers WHERE instance_id = ?').run(commit.instanceId);
    if (commit.releaseWork === 'all') {
      this.sql(
        `UPDATE activities SET status = 'Abandoned', completed_at = ? WHERE instance_id = ?
             AND status IN ('Scheduled', 'Running')`,
      ).run(commit.now, commit.instanceId);
    }
  }

  private insertActivities(instanceId: string, executionId: string, activities: NewActivity[], now: number): void {
    const insert = this.sql(
      `INSERT INTO activities (instance_id, execution_id, task_id, name, input, status, scheduled_at)
       VALUES (?, ?, ?, ?, ?, 'Scheduled', ?)`,
    );
    for (const activity of activities) {
      insert.run(instanceId, executionId, activity.taskId, activity.name, activity.input, now);
    }
  }

  private insertTimers(instanceId: string, executionId: string, timers: NewTimer[]): void {
    const insert = this.sql('INSERT INTO timers (instance_id, execution_id, timer_id, fire_at) VALUES (?, ?, ?, ?)');
    for (const timer of timers) {
      insert.run(instanceId, executionId, timer.timerId, timer.fireAt);
    }
  }

  /** Replaces the history of a failed instance, queues the given activities again and marks it Running. */
  rewind(instance: InstanceRow, history: string[], retried: HistoryEvent[], now: number): void {
    this.db.transaction(() => {
      this.sql('DELETE FROM history WHERE instance_id = ?').run(instance.instance_id);
      const insert = this.sql('INSERT INTO history (instance_id, position, event) VALUES (?, ?, ?)');
      history.forEach((event, position) => insert.run(instance.instance_id, position, event));
      const activities = retried.map((e) => ({ taskId: e.EventId, name: e.Name ?? '', input: e.Input ?? null }));
      this.insertActivities(instance.instance_id, instance.execution_id, activities, now);
      this.sql(
        `UPDATE instances SET status = 'Running', output = NULL, failure_details = NULL, completed_at = NULL,
             updated_at = ?, history_length = ? WHERE instance_id = ?`,
      ).run(now, history.length, instance.instance_id);
    })();
  }

  /** Marks up to `limit` queued activities as running and returns them, oldest first. */
  claimActivities(limit: number, now: number): ActivityRow[] {
    return this.db.transaction(() => {
      const rows = this.sql(`SELECT * FROM activities WHERE status = 'Scheduled' ORDER BY id LIMIT ?`).all(
        limit,
      ) as ActivityRow[];
      const claim = this.sql(
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
   * orchestration. A result for an abandoned activity (terminated or replaced instance) is dropped.
   */
  completeActivities(completions: ActivityCompletion[]): string[] {
    return this.db.transaction(() => {
      const finish = this.sql(
        `UPDATE activities SET status = ?, completed_at = ?, failure_reason = ? WHERE id = ? AND status = 'Running'`,
      );
      const notified = new Set<string>();
      const messages: NewMessage[] = [];
      for (const c of completions) {
        const changed = finish.run(c.failed ? 'Failed' : 'Completed', c.completedAt, c.failureReason, c.activityId);
        if (changed.changes === 1) {
          messages.push({ instanceId: c.instanceId, executionId: c.executionId, kind: 'event', event: c.event });
          notified.add(c.instanceId);
        }
      }
      this.insertMessages(messages, Date.now());
      return [...notified];
    })();
  }

  /** Returns running activities to the queue; called at start-up because their results were lost. */
  requeueRunningActivities(): number {
    return this.sql(`UPDATE activities SET status = 'Scheduled' WHERE status = 'Running'`).run().changes;
  }

  nextTimerDue(): number | undefined {
    const row = this.sql('SELECT MIN(fire_at) AS due FROM timers').get() as { due: number | null };
    return row.due ?? undefined;
  }

  /** Turns every timer due at `now` into a TimerFired message; returns the instances to wake. */
  fireDueTimers(now: number, toEvent: (timerId: number, fireAt: number) => string): string[] {
    return this.db.transaction(() => {
      const due = this.sql('SELECT * FROM timers WHERE fire_at <= ? ORDER BY fire_at, id').all(now) as {
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
      this.insertMessages(messages, now);
      const remove = this.sql('DELETE FROM timers WHERE id = ?');
      for (const timer of due) {
        remove.run(timer.id);
      }
      return [...new Set(due.map((timer) => timer.instance_id))];
    })();
  }
}
