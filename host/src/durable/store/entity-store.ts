import type Database from 'better-sqlite3';
import type { MessageRow, NewMessage } from './rows';

export interface EntityRow {
  entity_id: string;
  state: string | null;
  exists_flag: number;
  updated_at: number;
}

/** Entities whose queued operations can run, oldest first. */
export function entitiesWithMessages(db: Database.Database, limit: number): string[] {
  const rows = db
    .prepare(`SELECT instance_id FROM messages WHERE kind = 'entity' GROUP BY instance_id ORDER BY MIN(id) LIMIT ?`)
    .all(limit) as { instance_id: string }[];
  return rows.map((row) => row.instance_id);
}

export function entityMessages(db: Database.Database, entityId: string, limit: number): MessageRow[] {
  return db
    .prepare(`SELECT * FROM messages WHERE instance_id = ? AND kind = 'entity' ORDER BY id LIMIT ?`)
    .all(entityId, limit) as MessageRow[];
}

export function getEntity(db: Database.Database, entityId: string): EntityRow | undefined {
  return db.prepare('SELECT * FROM entities WHERE entity_id = ?').get(entityId) as EntityRow | undefined;
}

/** Stores an entity batch result: new state, consumed requests, responses and signals, in one transaction. */
export function commitEntityBatch(
  db: Database.Database,
  change: { entityId: string; exists: boolean; state: string | null; consumed: number[]; messages: NewMessage[] },
  now: number,
): void {
  db.transaction(() => {
    if (change.exists) {
      db.prepare(
        `INSERT INTO entities (entity_id, state, exists_flag, updated_at) VALUES (?, ?, 1, ?)
         ON CONFLICT(entity_id) DO UPDATE SET state = excluded.state, exists_flag = 1, updated_at = excluded.updated_at`,
      ).run(change.entityId, change.state, now);
    } else {
      db.prepare('DELETE FROM entities WHERE entity_id = ?').run(change.entityId);
    }
    const remove = db.prepare('DELETE FROM messages WHERE id = ?');
    for (const id of change.consumed) {
      remove.run(id);
    }
    const insert = db.prepare(
      'INSERT INTO messages (instance_id, execution_id, kind, event, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    for (const message of change.messages) {
      insert.run(message.instanceId, message.executionId, message.kind, message.event, now);
    }
  })();
}
