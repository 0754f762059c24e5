import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ActivityRecord, ActivityStatus, DashboardSource, OrchestrationRecord } from './records';

interface InstanceRow {
  instance_id: string;
  name: string;
  status: string;
  parent_instance_id: string | null;
  created_at: number;
  updated_at: number;
  custom_status: string | null;
  output: string | null;
}

interface ActivityRow {
  instance_id: string;
  task_id: number;
  name: string;
  input: string | null;
  status: string;
  scheduled_at: number;
  started_at: number | null;
  completed_at: number | null;
  failure_reason: string | null;
}

/** `EventType` of TaskCompleted in the durable history. */
const TASK_COMPLETED = 5;

const ACTIVITY_STATUSES: Record<string, ActivityStatus> = {
  Scheduled: 'scheduled',
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
  Abandoned: 'failed',
};

/**
 * Reads the durable engine's SQLite task hub through read-only connections of its own. WAL mode lets them read
 * while the engine writes, and they see only committed episodes. Each call opens and closes its connection
 * (about a millisecond), so nothing stays open after the host stops, and a hub file that does not exist yet
 * reads as empty.
 */
export class TaskHubSource implements DashboardSource {
  constructor(private readonly file: string) {}

  async listOrchestrations(): Promise<OrchestrationRecord[]> {
    return this.read([], (db) => this.queryOrchestrations(db));
  }

  async listActivities(instanceIds: readonly string[]): Promise<ActivityRecord[]> {
    if (instanceIds.length === 0) return [];
    return this.read([], (db) => this.queryActivities(db, JSON.stringify(instanceIds)));
  }

  private read<T>(empty: T, query: (db: Database.Database) => T): T {
    if (!fs.existsSync(this.file)) return empty;
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return query(db);
    } finally {
      db.close();
    }
  }

  private queryOrchestrations(db: Database.Database): OrchestrationRecord[] {
    const rows = db
      .prepare(
        `SELECT instance_id, name, status, parent_instance_id, created_at, updated_at, custom_status, output
         FROM instances`,
      )
      .all() as InstanceRow[];
    return rows.map(toOrchestration);
  }

  private queryActivities(db: Database.Database, ids: string): ActivityRecord[] {
    const rows = db
      .prepare(
        `SELECT a.instance_id, a.task_id, a.name, a.input, a.status, a.scheduled_at, a.started_at, a.completed_at,
           a.failure_reason
         FROM activities a JOIN instances i ON i.instance_id = a.instance_id AND i.execution_id = a.execution_id
         WHERE a.instance_id IN (SELECT value FROM json_each(?))`,
      )
      .all(ids) as ActivityRow[];
    const results = this.readResults(db, ids);
    return rows.map((row) => toActivity(row, results.get(`${row.instance_id}\n${row.task_id}`)));
  }

  /**
   * Activity results are not stored with the work item: they are TaskCompleted events, in the history once an
   * episode consumed them, in the message queue before that. Returns them by `<instanceId>\n<taskId>`.
   */
  private readResults(db: Database.Database, ids: string): Map<string, string | null> {
    const rows = db
      .prepare(
        `SELECT instance_id, json_extract(event, '$.TaskScheduledId') AS task_id, json_extract(event, '$.Result') AS result
         FROM history
         WHERE instance_id IN (SELECT value FROM json_each(@ids)) AND json_extract(event, '$.EventType') = @eventType
         UNION ALL
         SELECT instance_id, json_extract(event, '$.TaskScheduledId'), json_extract(event, '$.Result')
         FROM messages
         WHERE instance_id IN (SELECT value FROM json_each(@ids)) AND json_extract(event, '$.EventType') = @eventType`,
      )
      .all({ ids, eventType: TASK_COMPLETED }) as { instance_id: string; task_id: number; result: string | null }[];
    return new Map(rows.map((row) => [`${row.instance_id}\n${row.task_id}`, row.result]));
  }
}

function toOrchestration(row: InstanceRow): OrchestrationRecord {
  return {
    instanceId: row.instance_id,
    name: row.name,
    runtimeStatus: row.status,
    parentInstanceId: row.parent_instance_id,
    createdTime: new Date(row.created_at).toISOString(),
    lastUpdatedTime: new Date(row.updated_at).toISOString(),
    customStatus: parseJson(row.custom_status),
    output: parseJson(row.output),
  };
}

function toActivity(row: ActivityRow, result: string | null | undefined): ActivityRecord {
  const abandoned = row.status === 'Abandoned';
  return {
    instanceId: row.instance_id,
    name: row.name,
    input: parseJson(row.input),
    status: ACTIVITY_STATUSES[row.status] ?? 'scheduled',
    scheduledAt: row.scheduled_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    result: parseJson(result ?? null),
    failure: abandoned ? 'abandoned: its orchestration was terminated or replaced' : row.failure_reason,
  };
}

/** Parses JSON text from the store; text that is not JSON is returned as is, as the management API does. */
function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
