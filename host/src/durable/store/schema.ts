/**
 * SQLite schema of one task hub. Times are epoch milliseconds; JSON columns hold JSON text exactly as
 * the protocol carries it (history events, inputs, outputs, custom status).
 */
export const schemaSql = `
CREATE TABLE IF NOT EXISTS instances (
  instance_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  version TEXT NOT NULL DEFAULT '',
  execution_id TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT,
  output TEXT,
  custom_status TEXT,
  failure_details TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  completed_at INTEGER,
  parent_instance_id TEXT,
  parent_execution_id TEXT,
  parent_task_id INTEGER,
  parent_name TEXT,
  history_length INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS instances_created ON instances(created_at);
CREATE INDEX IF NOT EXISTS instances_parent ON instances(parent_instance_id);

CREATE TABLE IF NOT EXISTS history (
  instance_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  event TEXT NOT NULL,
  PRIMARY KEY (instance_id, position)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  execution_id TEXT,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_instance ON messages(instance_id, id);

CREATE TABLE IF NOT EXISTS activities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  task_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  input TEXT,
  status TEXT NOT NULL,
  scheduled_at INTEGER NOT NULL,
  started_at INTEGER,
  completed_at INTEGER,
  dispatch_count INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT
);
CREATE INDEX IF NOT EXISTS activities_status ON activities(status, id);
CREATE INDEX IF NOT EXISTS activities_open ON activities(instance_id, execution_id, status);

CREATE TABLE IF NOT EXISTS timers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  timer_id INTEGER NOT NULL,
  fire_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS timers_due ON timers(fire_at);
CREATE INDEX IF NOT EXISTS timers_instance ON timers(instance_id);

CREATE TABLE IF NOT EXISTS entities (
  entity_id TEXT PRIMARY KEY,
  state TEXT,
  exists_flag INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
`;
