import type Database from 'better-sqlite3';
import type { ActivityRow, InstanceRow, RuntimeStatus } from './rows';

export interface InstanceFilter {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: number;
  createdTimeTo?: number;
  instanceIdPrefix?: string;
}

function whereClause(filter: InstanceFilter): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.runtimeStatus && filter.runtimeStatus.length > 0) {
    conditions.push(`status IN (${filter.runtimeStatus.map(() => '?').join(', ')})`);
    params.push(...filter.runtimeStatus);
  }
  if (filter.createdTimeFrom !== undefined) {
    conditions.push('created_at >= ?');
    params.push(filter.createdTimeFrom);
  }
  if (filter.createdTimeTo !== undefined) {
    conditions.push('created_at <= ?');
    params.push(filter.createdTimeTo);
  }
  if (filter.instanceIdPrefix) {
    conditions.push('substr(instance_id, 1, ?) = ?');
    params.push(filter.instanceIdPrefix.length, filter.instanceIdPrefix);
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** Returns one page of instances ordered by creation time then id, after the last row of the previous page. */
export function listInstances(
  db: Database.Database,
  filter: InstanceFilter,
  top: number,
  after?: { createdAt: number; instanceId: string },
): InstanceRow[] {
  const where = whereClause(filter);
  const cursor = after ? `${where.sql ? ' AND' : 'WHERE'} (created_at, instance_id) > (?, ?)` : '';
  const params = after ? [...where.params, after.createdAt, after.instanceId] : where.params;
  return db
    .prepare(`SELECT * FROM instances ${where.sql}${cursor} ORDER BY created_at, instance_id LIMIT ?`)
    .all(...params, top) as InstanceRow[];
}

export function instanceIdsMatching(db: Database.Database, filter: InstanceFilter): string[] {
  const where = whereClause(filter);
  const rows = db.prepare(`SELECT instance_id FROM instances ${where.sql}`).all(...where.params) as {
    instance_id: string;
  }[];
  return rows.map((row) => row.instance_id);
}

export function activitiesOf(db: Database.Database, instanceId: string): ActivityRow[] {
  return db
    .prepare('SELECT * FROM activities WHERE instance_id = ? ORDER BY task_id, id')
    .all(instanceId) as ActivityRow[];
}

export function childrenOf(db: Database.Database, instanceId: string): InstanceRow[] {
  return db
    .prepare('SELECT * FROM instances WHERE parent_instance_id = ? ORDER BY created_at, instance_id')
    .all(instanceId) as InstanceRow[];
}
