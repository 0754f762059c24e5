import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { HistoryEvent } from '../history';
import { HubLock } from './hub-lock';
import { schemaSql } from './schema';
import { insertMessages, Statements } from './statements';
import { WorkItemStore } from './work-items';
import type { EpisodeCommit, InstanceRow, MessageRow, NewInstance, NewMessage } from './rows';

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

/**
 * The task hub in one SQLite file (WAL mode). Every method is one statement or one transaction, so a
 * process killed at any moment leaves either the whole change or none of it.
 */
export class TaskHubStore {
  readonly db: Database.Database;
  private readonly statements: Statements;
  private readonly lock: HubLock;
  /** Activity work items and durable timers. */
  readonly work: WorkItemStore;

  constructor(dataDir: string, hubName: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, `${hubName}.sqlite`);
    this.lock = HubLock.acquire(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(schemaSql);
    this.statements = new Statements(this.db);
    this.work = new WorkItemStore(this.statements);
  }

  private sql(text: string): Database.Statement {
    return this.statements.get(text);
  }

  close(): void {
    this.db.close();
    this.lock.release();
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
    insertMessages(
      this.statements,
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
    this.db.transaction(() => insertMessages(this.statements, messages, now))();
  }

  /** Instances with messages that an episode may consume (a suspended instance only for control messages). */
  readyCandidates(limit: number): ReadyCandidate[] {
    return this.sql(
      `SELECT m.instance_id, i.status, COUNT(*) AS message_count, MIN(m.created_at) AS oldest_message_at,
           MAX(m.kind <> 'event') AS has_control, i.history_length, i.execution_id
         FROM messages m JOIN instances i ON i.instance_id = m.instance_id
         WHERE m.kind <> 'entity'
           AND (i.status NOT IN ('Completed', 'Failed', 'Terminated', 'Canceled', 'Suspended') OR m.kind <> 'event')
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
      this.work.insertActivities(commit.instanceId, commit.executionId, commit.activities, commit.now);
      this.work.insertTimers(commit.instanceId, commit.executionId, commit.timers);
      for (const child of commit.instances) {
        this.insertInstance(child, commit.now);
      }
      // The new execution takes the events carried over from the old one before those that arrived during the
      // episode, so the queued messages of the instance move behind the ones this commit adds.
      const arrived = commit.update.nextExecution ? this.takeQueuedMessages(commit.instanceId) : [];
      insertMessages(this.statements, commit.messages, commit.now);
      this.requeueMessages(arrived);
      return true;
    })();
  }

  /** Deletes and returns the queued messages of an orchestration instance, in arrival order. */
  private takeQueuedMessages(instanceId: string): MessageRow[] {
    const rows = this.sql("SELECT * FROM messages WHERE instance_id = ? AND kind <> 'entity' ORDER BY id").all(
      instanceId,
    ) as MessageRow[];
    this.deleteMessages(rows.map((row) => row.id));
    return rows;
  }

  /** Inserts messages again with new ids in the given order, keeping their execution and arrival time. */
  private requeueMessages(rows: MessageRow[]): void {
    const insert = this.sql(
      'INSERT INTO messages (instance_id, execution_id, kind, event, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    for (const row of rows) {
      insert.run(row.instance_id, row.execution_id, row.kind, row.event, row.created_at);
    }
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

  /** Replaces the history of a failed instance, queues the given activities again and marks it Running. */
  rewind(instance: InstanceRow, history: string[], retried: HistoryEvent[], now: number): void {
    this.db.transaction(() => {
      this.sql('DELETE FROM history WHERE instance_id = ?').run(instance.instance_id);
      const insert = this.sql('INSERT INTO history (instance_id, position, event) VALUES (?, ?, ?)');
      history.forEach((event, position) => insert.run(instance.instance_id, position, event));
      const activities = retried.map((e) => ({ taskId: e.EventId, name: e.Name ?? '', input: e.Input ?? null }));
      this.work.insertActivities(instance.instance_id, instance.execution_id, activities, now);
      this.sql(
        `UPDATE instances SET status = 'Running', output = NULL, failure_details = NULL, completed_at = NULL,
             updated_at = ?, history_length = ? WHERE instance_id = ?`,
      ).run(now, history.length, instance.instance_id);
    })();
  }
}
